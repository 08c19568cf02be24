import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, readCommandLine, UsageError, wholeNumber } from '../cli-args.ts';
import { measureBundles } from './bundles.ts';
import type { CallsFigures } from './calls.ts';
import type { DeliveryFigures } from './delivery.ts';
import type { DeliveryAloneFigures } from './delivery-alone.ts';
import type { DirectFigures } from './direct.ts';
import { type DirectFramesFigures, printDirectFrames } from './direct-frames.ts';
import { benchFanoutInChild, type FanoutFigures } from './fanout.ts';
import { runInChild } from './in-child.ts';
import { measureInit } from './init.ts';
import { printInit } from './init-print.ts';
import { pingBareServer, pingThroughRuntime } from './ping.ts';
import { type IdleHeartbeatFigures, printIdleHeartbeat } from './ping-idle.ts';
import { printCalls, printDelivery, printDeliveryAlone, printDirect } from './print.ts';
import { round } from './stats.ts';

/**
 * `npm run bench`: each case against a baseline measured in the same run, since these
 * machines are noisy. Prints tables and writes `bench/results/latest.json` (merged with what an
 * earlier run wrote, so running one group keeps the others' figures). `npm run bench -- direct
 * fanout` runs only those groups; `--help` lists the groups and variables.
 */
const groupNames = ['ping', 'direct', 'frames', 'delivery', 'calls', 'bundles', 'init', 'fanout'] as const;
const tool = {
  name: 'bench',
  usage: `npm run bench -- [group ...]

Runs the benchmarks, each case against a baseline measured in the same run, prints tables
and merges the figures into bench/results/latest.json. Without a group it runs them all
(about 12 minutes on 2 cores).

groups:
  ping       ping round trips: a bare ws server, then the local runtime's ping route;
             then the SDK's idle heartbeat at its defaults (what npm run cost reads)
  direct     direct messages from sender to receiver: a steady rate, then rising rates
  frames     billed frames per direct message, two SDK clients at their defaults:
             a conversation (a message every 2 s) and a burst (what npm run cost reads)
  delivery   posts to open sockets with management API latency injected, and the
             delivery worker alone in a process of its own
  calls      AWS calls per operation (what npm run cost reads)
  bundles    Lambda bundle sizes and module load times
  init       each bundle's cold init (load plus first SDK call), per-route and per-api
  fanout     one publish to rooms of N subscribers, and one notification to every socket

environment:
  BENCH_DURATION_MS           each ping run and the direct steady run, in ms   (5000)
  BENCH_DELIVERY_CONNECTIONS  recipients of each delivery case                 (1000)
  BENCH_FANOUT_SIZES          subscriber counts of the fan-out cases           (100,1000,10000)
  BENCH_CPU_PROFILE           a folder: CPU profiles of the measured fan-outs  (off)
  BENCH_INIT_RUNS             init: fresh processes per bundle                 (7)
  BENCH_VERBOSE               calls: log lines per operation                   (off)

options:
  -h, --help   print this help
`,
};
type Group = (typeof groupNames)[number];
const settings = readCommandLine(tool, () => {
  const { values, positionals } = parseCommandLine(process.argv.slice(2), {}, { positionals: true });
  const unknown = positionals.filter((g) => !groupNames.includes(g as Group));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown group${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the groups are ${groupNames.join(', ')}`,
    );
  }
  const env = process.env;
  return {
    help: values.help,
    groups: positionals as Group[],
    durationMs: wholeNumber('BENCH_DURATION_MS', env.BENCH_DURATION_MS ?? '5000'),
    deliveryConnections: wholeNumber('BENCH_DELIVERY_CONNECTIONS', env.BENCH_DELIVERY_CONNECTIONS ?? '1000'),
    initRuns: wholeNumber('BENCH_INIT_RUNS', env.BENCH_INIT_RUNS ?? '7'),
    fanoutSizes: (env.BENCH_FANOUT_SIZES ?? '100,1000,10000')
      .split(',')
      .map((size) => wholeNumber('each of BENCH_FANOUT_SIZES', size)),
  };
});

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { durationMs, groups } = settings;
const ping = { connections: 10, warmupMs: 1000, durationMs };
const wants = (group: Group) => groups.length === 0 || groups.includes(group);
const results: Record<string, unknown> = {};
const file = path.join(rootDir, 'bench', 'results', 'latest.json');

/**
 * Merges this run's results into `bench/results/latest.json`. Called after every group, so a
 * group that fails later keeps the figures of those before it.
 */
async function save(): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const previous = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => ({}),
  );
  await writeFile(
    file,
    `${JSON.stringify(
      {
        ...previous,
        ...results,
        at: new Date().toISOString(),
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      },
      null,
      2,
    )}\n`,
  );
}

process.stdout.write(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n\n`,
);

if (wants('ping')) {
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
  const idle = await runInChild<IdleHeartbeatFigures>('ping-idle.ts', 'measureIdleHeartbeat', {});
  printIdleHeartbeat(idle);
  results.ping = { ...ping, bare, emulated, ratio };
  results.heartbeat = idle;
  await save();
}

if (wants('direct')) {
  process.stdout.write(
    'direct messages: senders -> receivers (20 users each, clients in a child process), send frame to receipt\n',
  );
  const direct = await runInChild<DirectFigures>('direct.ts', 'benchDirect', { durationMs });
  printDirect(direct);
  results.direct = direct;
  await save();
}

if (wants('delivery')) {
  const connections = settings.deliveryConnections;
  process.stdout.write(
    `delivery throughput: ${connections} posts per case to open sockets, management API latency injected\n`,
  );
  const delivery = await runInChild<DeliveryFigures>('delivery.ts', 'benchDelivery', {
    connections,
    // 100 ms needs little CPU per second: it shows whether concurrency, not CPU, holds the rate back.
    latenciesMs: [5, 20, 100],
  });
  printDelivery(delivery);
  results.delivery = delivery;
  await save();
  process.stdout.write(
    'delivery worker alone: the delivery code in a process of its own, posting to a management API stub in another, latency injected\n',
  );
  const alone = await runInChild<DeliveryAloneFigures>('delivery-alone.ts', 'benchDeliveryAlone', {
    latenciesMs: [5, 20, 100],
  });
  printDeliveryAlone(alone);
  results.deliveryAlone = alone;
  await save();
}

if (wants('frames')) {
  process.stdout.write(
    'frames per direct message: two SDK clients at their defaults through the local runtime, a conversation (10 messages, one every 2 s) and a burst (50 at once)\n',
  );
  const frames = await runInChild<DirectFramesFigures>('direct-frames.ts', 'measureDirectFrames', {});
  printDirectFrames(frames);
  results.directFrames = { at: new Date().toISOString(), ...frames };
  await save();
}

if (wants('calls')) {
  process.stdout.write('AWS calls per operation (local runtime, real sockets, one operation at a time)\n');
  const calls = await runInChild<CallsFigures>('calls.ts', 'benchCalls', {});
  printCalls(calls);
  results.calls = calls;
  await save();
}

if (wants('bundles')) {
  process.stdout.write(
    'Lambda bundles (esbuild, minified ESM): AWS SDK bundled vs external; module load in a fresh process, median of 3 (external: smallest, send, largest)\n',
  );
  const bundles = await measureBundles(rootDir, 3);
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
  process.stdout.write(`slowest bundled load: ${round(slowest, 1)} ms (target < 100 ms)\n\n`);
  results.bundles = bundles;
  await save();
}

if (wants('init')) {
  const runs = settings.initRuns;
  process.stdout.write(
    `cold init: every function's bundle and the per-api dispatchers, built as the stack builds them; a fresh Node process per run (${runs} runs), module load plus the first invocation against a stub AWS endpoint\n`,
  );
  const init = await measureInit(rootDir, runs);
  printInit(init);
  results.init = init;
  await save();
}

if (wants('fanout')) {
  const sizes = settings.fanoutSizes;
  process.stdout.write(
    'fan-out: one publish to a room of N subscriber sockets, and one { "all": true } notification to every socket (clients in a child process), against N raw PostToConnection calls\n',
  );
  const fanout = await benchFanoutInChild({ sizes });
  printFanout(fanout);
  results.fanout = fanout;
  await save();
}

await save();
process.stdout.write('results written to bench/results/latest.json\n');

function printFanout(figures: readonly FanoutFigures[]): void {
  console.table(
    Object.fromEntries(
      figures.map((f) => [
        f.case === 'all' ? `all: ${f.subscribers} connections` : `room: ${f.subscribers} subscribers`,
        {
          'publish to last ms': round(f.ms, 0),
          'deliveries/s': round(f.deliveriesPerSecond, 0),
          'baseline ms': round(f.baseline.ms, 0),
          'baseline/s': round(f.baseline.perSecond, 0),
          'rate vs baseline': `${round(f.ratio * 100, 0)}%`,
          'posts/recipient': round(f.postsPerRecipient, 3),
          duplicates: f.duplicates,
          'DynamoDB reads': f.dynamodb.reads,
          'DynamoDB writes': f.dynamodb.writes,
          'reads % recipients': round(f.readsPerRecipientPct, 3),
          'SQS calls (handlers/endpoint)': `${f.sqs.handlers}/${f.sqs.endpoint}`,
        },
      ]),
    ),
  );
  for (const f of figures) {
    const target = f.case === 'all' ? '' : ` (target < ${f.subscribers <= 1000 ? 1000 : 5000} ms)`;
    process.stdout.write(
      `${f.case} ${f.subscribers}: ${round(f.ms, 0)} ms${target}, ${round(f.perThousandDeliveries.dynamodb, 2)} DynamoDB and ${round(f.perThousandDeliveries.sqs, 2)} SQS calls per 1,000 deliveries\n`,
    );
  }
  process.stdout.write('\n');
}
