import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleClient } from './bundle.ts';
import { emitDeclarations } from './declarations.ts';

/**
 * `npm run build:client` (and `npm pack` in `client/`, through its `prepack`): builds the SDK
 * package into `client/dist/`: `index.js` (one ES module) and `types/` (its declarations).
 */
const usage =
  'usage: npm run build:client\n  Builds client/dist/index.js and client/dist/types/ from client/index.ts.\n';
let help = false;
try {
  help = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help === true;
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (help) {
  process.stdout.write(usage);
  process.exit(0);
}

const client = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../client');
const dist = path.join(client, 'dist');
try {
  await rm(dist, { recursive: true, force: true });
  const size = await bundleClient({
    root: path.dirname(client),
    entryPoint: path.join(client, 'index.ts'),
    outfile: path.join(dist, 'index.js'),
  });
  const declarations = await emitDeclarations(path.join(client, 'tsconfig.build.json'));
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(
    `client/dist/index.js: ${kb(size.bytes)} (${kb(size.minifiedBytes)} minified, ${kb(size.gzippedBytes)} gzipped); ` +
      `${declarations.length} declaration files in client/dist/types/\n`,
  );
} catch (error) {
  // A half-built dist/ must never be packed.
  await rm(dist, { recursive: true, force: true });
  process.stderr.write(`build:client failed: ${(error as Error).message}\n`);
  process.exit(1);
}
