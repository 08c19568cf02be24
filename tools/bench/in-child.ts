import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Runs `exportName(options)` of a bench module in a fresh Node process and resolves with what
 * it returns. The handlers keep one set of SDK clients and one configuration per process (as a
 * Lambda container does), so every benchmark that starts a local runtime needs a process of its
 * own; `npm run bench` runs several.
 */
export function runInChild<T>(module: string, exportName: string, options: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(here, 'child-main.ts'), [module, exportName, JSON.stringify(options)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    child.once('message', (result) => {
      settled = true;
      resolve(result as T);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`${module} ${exportName} exited with ${code} before reporting`));
    });
  });
}
