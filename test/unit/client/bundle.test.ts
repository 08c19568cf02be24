import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('The client SDK bundle', () => {
  it('bundles for browsers from client/ alone, with no Node built-in and no ws', async () => {
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
    expect(inputs.filter((input) => !input.startsWith('client/'))).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/from\s*["'](node:|ws["'])/);
    // Small enough to ship to every page: well under 30 KB minified.
    expect(code.length).toBeLessThan(30_000);
  });
});
