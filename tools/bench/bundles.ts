import { execFile } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { type FunctionName, functions } from '../../lib/manifest.ts';

const run = promisify(execFile);

/** One function's bundle, measured with the AWS SDK inside it and left to the runtime. */
export interface BundleFigures {
  readonly name: FunctionName;
  readonly bundledBytes: number;
  readonly externalBytes: number;
  /** Median module load time in a fresh Node process, in ms. */
  readonly bundledLoadMs: number;
  readonly externalLoadMs: number;
}

const banner = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

async function bundle(entry: string, outfile: string, external: string[]): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: banner },
    external,
    logLevel: 'silent',
  });
  return (await stat(outfile)).size;
}

/** Loads the module in a new process, as a cold start does, and reports the import time. */
async function loadMs(file: string, runs: number): Promise<number> {
  const script = `const s=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-s)`;
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' },
    });
    times.push(Number(stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/**
 * Bundles every manifest function as the CDK stack does (esbuild, minified ESM) twice: with the
 * AWS SDK inside, and with `@aws-sdk/*` and `@smithy/*` external (the Lambda runtime's copy,
 * resolved here from node_modules). Bundles go under `.local/bench` inside the repository so
 * that the external modules resolve.
 */
export async function measureBundles(rootDir: string, runs = 3): Promise<BundleFigures[]> {
  const outDir = path.join(rootDir, '.local', 'bench', 'bundles');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const figures: BundleFigures[] = [];
  for (const [name, spec] of Object.entries(functions) as [FunctionName, { entry: string }][]) {
    const entry = path.join(rootDir, spec.entry);
    const bundled = path.join(outDir, `${name}.bundled.mjs`);
    const external = path.join(outDir, `${name}.external.mjs`);
    const bundledBytes = await bundle(entry, bundled, []);
    const externalBytes = await bundle(entry, external, ['@aws-sdk/*', '@smithy/*']);
    figures.push({
      name,
      bundledBytes,
      externalBytes,
      bundledLoadMs: await loadMs(bundled, runs),
      externalLoadMs: await loadMs(external, runs),
    });
  }
  return figures;
}
