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
  /** NaN where not timed (see {@link measureBundles}). */
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
 * that the external modules resolve. Every bundled file's load is timed; the external variant's
 * only for the smallest, `send` and the largest bundle (NaN for the others), since every timed
 * load is a fresh Node process and the group must stay quick on a shared two-core machine.
 */
export async function measureBundles(rootDir: string, runs = 3): Promise<BundleFigures[]> {
  const outDir = path.join(rootDir, '.local', 'bench', 'bundles');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const built = [];
  for (const [name, spec] of Object.entries(functions) as [FunctionName, { entry: string }][]) {
    const entry = path.join(rootDir, spec.entry);
    const bundled = path.join(outDir, `${name}.bundled.mjs`);
    const external = path.join(outDir, `${name}.external.mjs`);
    const bundledBytes = await bundle(entry, bundled, []);
    const externalBytes = await bundle(entry, external, ['@aws-sdk/*', '@smithy/*']);
    built.push({ name, bundled, external, bundledBytes, externalBytes });
  }
  const bySize = [...built].sort((a, b) => a.bundledBytes - b.bundledBytes);
  const timedExternal = new Set([bySize[0]?.name, 'send', bySize.at(-1)?.name]);
  const figures: BundleFigures[] = [];
  for (const b of built) {
    figures.push({
      name: b.name,
      bundledBytes: b.bundledBytes,
      externalBytes: b.externalBytes,
      bundledLoadMs: await loadMs(b.bundled, runs),
      externalLoadMs: timedExternal.has(b.name) ? await loadMs(b.external, runs) : Number.NaN,
    });
  }
  return figures;
}
