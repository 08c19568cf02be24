import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';

/** Options of {@link bundleClient}. */
export interface BundleClientOptions {
  /** The repository root: the paths in the bundle's comments are relative to it, wherever the build runs. */
  readonly root: string;
  /** The SDK's entry module, `client/index.ts`. */
  readonly entryPoint: string;
  /** Where the ES module goes, `client/dist/index.js`. */
  readonly outfile: string;
}

/** What a bundle weighs: as shipped, minified, and minified then gzipped, in bytes. */
export interface BundleSize {
  readonly bytes: number;
  readonly minifiedBytes: number;
  readonly gzippedBytes: number;
}

/**
 * Bundles the SDK's own modules (and the `protocol/` files they import) into one ES module.
 * It ships unminified: bundlers minify for their app, and a readable file is easier to debug.
 * The SDK has no runtime dependency (`ws` is passed in by the user), so the bundle must import
 * nothing at all and take nothing from `node_modules`: either would break the package for
 * browsers or for a user without that dependency, so the build fails instead.
 */
export async function bundleClient(options: BundleClientOptions): Promise<BundleSize> {
  const result = await build({
    absWorkingDir: options.root,
    entryPoints: [options.entryPoint],
    outfile: options.outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    // Node 20 and the browsers of the last few years; nothing newer is needed.
    target: 'es2022',
    metafile: true,
    logLevel: 'warning',
  });
  const packages = Object.keys(result.metafile.inputs).flatMap((input) => {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    return name ? [name] : [];
  });
  const imports = Object.values(result.metafile.outputs).flatMap((output) =>
    output.imports.map((i) => i.path),
  );
  if (packages.length > 0 || imports.length > 0) {
    throw new Error(
      `The SDK bundle must be self-contained, but it takes in ${[...new Set([...packages, ...imports])].join(', ')}. ` +
        'Import the protocol files the SDK needs (types, codes, limits) one by one, not a module that ' +
        're-exports schemas; the user passes ws.',
    );
  }
  return measureBundle(await readFile(options.outfile, 'utf8'));
}

/** Minifies `code` as a user's bundler would and weighs it. */
export async function measureBundle(code: string): Promise<BundleSize> {
  const minified = await transform(code, { minify: true, format: 'esm', target: 'es2022' });
  return {
    bytes: Buffer.byteLength(code),
    minifiedBytes: Buffer.byteLength(minified.code),
    gzippedBytes: gzipSync(minified.code).length,
  };
}
