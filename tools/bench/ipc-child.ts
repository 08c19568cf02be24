import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkTypeScript } from '../shared/child-process.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A client process of a benchmark, asked one thing at a time over IPC. */
export interface IpcChild<Ask, Answer> {
  /** Sends `message` and resolves with the child's next answer. */
  ask(message: Ask): Promise<Answer>;
  close(): void;
}

/** Forks `file` (a module beside this one, see forkTypeScript); its answers come back over IPC. */
export function startIpcChild<Ask extends object, Answer>(file: string): IpcChild<Ask, Answer> {
  const child = forkTypeScript(path.join(here, file));
  return {
    ask: (message) =>
      new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`${file} exited with ${code}`));
        child.once('message', (answer) => {
          child.off('exit', onExit);
          resolve(answer as Answer);
        });
        child.once('exit', onExit);
        child.send(message);
      }),
    close: () => {
      if (child.connected) child.send({ type: 'close' });
    },
  };
}
