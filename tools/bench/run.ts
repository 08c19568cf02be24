import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBundles } from './bundles.ts';
import { pingBareServer, pingThroughRuntime } from './ping.ts';
import { round } from './stats.ts';

/**
 * `npm run bench`: each case against a baseline measured in the same run, since these
 * machines are noisy. Prints tables and writes `bench/results/latest.json`.
 * BENCH_DURATION_MS (default 5000) sets the length of each ping run.
 */
const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000);
const ping = { connections: 10, warmupMs: 1000, durationMs };

process.stdout.write(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n\n`,
);

process.stdout.write(`ping round trips, ${ping.connections} connections, ${durationMs} ms each\n`);
const bare = await pingBareServer(ping);
const emulated = await pingThroughRuntime(ping);
const ratio = emulated.perSecond / bare.perSecond;
console.table({
  'bare ws echo (baseline)': {
    'round trips/s': round(bare.perSecond, 0),
    'p50 ms': round(bare.p50, 3),
    'p99 ms': round(bare.p99, 3),
  },
  'local runtime (ping route)': {
    'round trips/s': round(emulated.perSecond, 0),
    'p50 ms': round(emulated.p50, 3),
    'p99 ms': round(emulated.p99, 3),
  },
});
process.stdout.write(
  `ratio: ${(ratio * 100).toFixed(1)}% of the bare server's rate (target >= 30%), p99 ${round(emulated.p99, 2)} ms (target < 10 ms)\n\n`,
);

process.stdout.write(
  'Lambda bundles (esbuild, minified ESM): AWS SDK bundled vs external; module load in a fresh process, median of 5\n',
);
const bundles = await measureBundles(rootDir, 5);
console.table(
  Object.fromEntries(
    bundles.map((b) => [
      b.name,
      {
        'bundled KB': round(b.bundledBytes / 1024, 0),
        'bundled load ms': round(b.bundledLoadMs, 1),
        'external KB': round(b.externalBytes / 1024, 0),
        'external load ms': round(b.externalLoadMs, 1),
      },
    ]),
  ),
);
const slowest = Math.max(...bundles.map((b) => b.bundledLoadMs));
process.stdout.write(`slowest bundled load: ${round(slowest, 1)} ms (target < 100 ms)\n`);

await mkdir(path.join(rootDir, 'bench', 'results'), { recursive: true });
const results = {
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  ping: { ...ping, bare, emulated, ratio },
  bundles,
};
await writeFile(
  path.join(rootDir, 'bench', 'results', 'latest.json'),
  `${JSON.stringify(results, null, 2)}\n`,
);
process.stdout.write('results written to bench/results/latest.json\n');
