import { type ChildProcess, fork } from 'node:child_process';

/**
 * Forks a TypeScript module with this process's loader flags (tsx, as `npm run` starts the
 * tools), so that it runs in the child as it does here; stdout and stderr are this process's,
 * messages come and go over IPC. The benchmarks and the load test run their clients this way,
 * so that generating the load costs another core than the server's.
 *
 * @example
 * const child = forkTypeScript(path.join(here, 'ping-clients.ts'), [JSON.stringify(job)]);
 * const figures = await firstMessage<PingFigures>(child, 'ping clients');
 */
export function forkTypeScript(file: string, args: readonly string[] = []): ChildProcess {
  return fork(file, [...args], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/**
 * Resolves with the first message `child` sends; rejects if it cannot start or exits before
 * sending one (`label` names it in the error).
 */
export function firstMessage<T>(child: ChildProcess, label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    child.once('message', (message) => {
      settled = true;
      resolve(message as T);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`${label} exited with ${code} before reporting`));
    });
  });
}
