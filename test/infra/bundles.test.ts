import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerBundling } from '../../lib/constructs/handler-function.ts';
import { type FunctionName, functions } from '../../lib/manifest.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const synthRoot = process.env.WAVELET_SYNTH_ROOT ?? path.join(root, '.local');
const names = Object.keys(functions) as FunctionName[];
/** Well above today's largest bundle (about 700 KB): the full `zod` build alone would add 440 KB. */
const maxBundleBytes = 1_000_000;

let outdir: string;
let metafile: Metafile;

beforeAll(async () => {
  outdir = mkdtempSync(path.join(synthRoot, 'bundles-'));
  // Every entry at once, with the options each function's NodejsFunction passes to esbuild.
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(names.map((name) => [name, path.join(root, functions[name].entry)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: handlerBundling.format,
    mainFields: [...handlerBundling.mainFields],
    banner: { js: handlerBundling.banner },
    minify: handlerBundling.minify,
    sourcemap: handlerBundling.sourceMap,
    sourcesContent: handlerBundling.sourcesContent,
    metafile: true,
    logLevel: 'silent',
  });
  metafile = result.metafile;
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const outputOf = (name: FunctionName) => {
  const entry = Object.entries(metafile.outputs).find(([file]) => file.endsWith(`/${name}.mjs`));
  if (!entry) throw new Error(`no bundle for ${name}`);
  return entry[1];
};

describe('Bundles: every function', () => {
  it('bundles each manifest entry, the AWS SDK included, as an ES module', () => {
    for (const name of names) {
      const output = outputOf(name);
      expect(output.entryPoint, name).toBe(functions[name].entry);
      expect(
        Object.keys(output.inputs).some((input) => input.includes('node_modules/@aws-sdk/')),
        name,
      ).toBe(true);
      expect(output.exports, name).toContain('handler');
    }
  });

  it(`keeps every bundle under ${maxBundleBytes / 1000} KB, without the full zod build`, () => {
    for (const name of names) {
      const output = outputOf(name);
      expect(output.bytes, name).toBeLessThan(maxBundleBytes);
      const zodInputs = Object.keys(output.inputs).filter((input) => input.includes('node_modules/zod/'));
      expect(
        zodInputs.filter((input) => input.includes('/locales/') && !input.endsWith('/en.js')),
        name,
      ).toEqual([]);
    }
  });
});
