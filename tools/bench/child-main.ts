import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Entry of {@link runInChild}: `child-main.ts <module> <export> <options JSON>`. Calls the export
 * with the options, sends its result to the parent and exits.
 */
const [moduleName, exportName, json] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const module = (await import(pathToFileURL(path.join(here, moduleName ?? '')).href)) as Record<
  string,
  (options: unknown) => Promise<unknown>
>;
const run = module[exportName ?? ''];
if (typeof run !== 'function') throw new Error(`${moduleName} has no export ${exportName}`);
const result = await run(JSON.parse(json ?? '{}'));
process.send?.(result as object, () => process.exit(0));
