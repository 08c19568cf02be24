import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('The client SDK bundle', () => {
  it('bundles for browsers from client/ and protocol/ alone, with no Node built-in, no ws and no zod', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'client/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(5);
    // protocol/ is imported for its types and limits only: a schema would bring node_modules/zod in.
    expect(inputs.filter((input) => !input.startsWith('client/') && !input.startsWith('protocol/'))).toEqual(
      [],
    );
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/from\s*["'](node:|ws["'])/);
    // Small enough to ship to every page: about 28 KB minified (8 KB gzipped) today, with
    // coalesced acks, refused-credential handling and the room message lists; the budget is 29 KB.
    expect(code.length).toBeLessThan(29_000);
  });
});
