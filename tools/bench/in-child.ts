import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstMessage, forkTypeScript } from '../shared/child-process.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Runs `exportName(options)` of a bench module in a fresh Node process and resolves with what
 * it returns. The handlers keep one set of SDK clients and one configuration per process (as a
 * Lambda container does), so every benchmark that starts a local runtime needs a process of its
 * own; `npm run bench` runs several.
 */
export function runInChild<T>(module: string, exportName: string, options: unknown): Promise<T> {
  const child = forkTypeScript(path.join(here, 'child-main.ts'), [
    module,
    exportName,
    JSON.stringify(options),
  ]);
  return firstMessage<T>(child, `${module} ${exportName}`);
}
