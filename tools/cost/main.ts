import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { heartbeatDefaults } from '../../client/options.ts';
import type { CallsFigures } from '../bench/calls.ts';
import type { DirectFramesFigures } from '../bench/direct-frames.ts';
import { runInChild } from '../bench/in-child.ts';
import { parseCommandLine, readCommandLine, UsageError } from '../cli-args.ts';
import { assumptions } from './assumptions.ts';
import { describeEventBusCost, eventBusCost } from './event-bus.ts';
import { fileRow } from './files.ts';
import { runLatency } from './latency/main.ts';
import { appSyncCostOf, costOf } from './model.ts';
import { prices } from './prices.ts';
import { priceProposals, proposalsReport } from './proposals.ts';
import { describePublishHookCost, publishHookCost } from './publish-hook.ts';
import { planScale, seedLoad } from './scale.ts';
import { scaleReport } from './scale-report.ts';
import { buildScenarios, type DirectAcks, type IdleHeartbeat } from './scenarios.ts';
import { describeSweeperBudget, sweeperBudget } from './sweeper-budget.ts';
import { costTable, usageTable } from './tables.ts';

const tool = {
  name: 'cost',
  usage: `npm run cost -- [scale | proposals] [--markdown]
       npm run cost -- latency [--markdown]   (the latency model: npm run cost -- latency --help)

AWS cost per million connection-minutes and per million delivered messages, next to what the
same traffic costs on AppSync Events. From the AWS calls per operation that
\`npm run bench -- calls\` measured (read from bench/results/latest.json, measured now if
absent), the list prices in tools/cost/prices.ts and the assumptions in
tools/cost/assumptions.ts.

  scale        the seed's load (1,000,000 connections, 1,000,000 deliveries a second) against
               AWS's quotas: cells needed, quotas to raise, the monthly bill (tools/cost/scale.ts)
  proposals    what the changes proposed to reach issue 13's targets would give, from the same
               measured operations (tools/cost/proposals.ts)
  --markdown   print the tables as Markdown
  -h, --help   print this help
`,
};

if (process.argv[2] === 'latency') {
  await runLatency(process.argv.slice(3));
  process.exit();
}

/** `npm run cost`: see the usage above. */
const { markdown, command } = readCommandLine(tool, () => {
  const { values, positionals } = parseCommandLine(
    process.argv.slice(2),
    { markdown: { type: 'boolean' } },
    { positionals: true },
  );
  const [command, extra] = positionals;
  if (command !== undefined && command !== 'scale' && command !== 'proposals')
    throw new UsageError(`unknown command ${command}; the commands are scale, proposals and latency`);
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`);
  return { help: values.help, markdown: values.markdown ?? false, command };
});
const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(rootDir, 'bench', 'results', 'latest.json');

const results = await readFile(file, 'utf8').then(
  (text) => JSON.parse(text) as Record<string, unknown>,
  () => ({}) as Record<string, unknown>,
);
let calls = results.calls as CallsFigures | undefined;
let measuredAt = String(results.at ?? 'unknown');
if (!calls) {
  measuredAt = new Date().toISOString();
  process.stdout.write(
    'no call counts in bench/results/latest.json: measuring them (npm run bench -- calls)\n',
  );
  calls = await runInChild<CallsFigures>('calls.ts', 'benchCalls', {});
  await mkdir(path.dirname(file), { recursive: true });
  // The time of this measurement, as `npm run bench` records its own: the next run prints it.
  await writeFile(file, `${JSON.stringify({ ...results, calls, at: measuredAt }, null, 2)}\n`);
}

const heartbeat = results.heartbeat as IdleHeartbeat | undefined;
let measuredFrames = results.directFrames as (DirectFramesFigures & { at?: string }) | undefined;
if (!measuredFrames) {
  process.stdout.write(
    'no frames per direct message in bench/results/latest.json: measuring them (npm run bench -- frames, about 30 s)\n',
  );
  const frames = await runInChild<DirectFramesFigures>('direct-frames.ts', 'measureDirectFrames', {});
  measuredFrames = { at: new Date().toISOString(), ...frames };
  await writeFile(
    file,
    `${JSON.stringify({ ...results, calls, at: measuredAt, directFrames: measuredFrames }, null, 2)}\n`,
  );
}
const acks: DirectAcks = measuredFrames
  ? {
      acksPerMessage: measuredFrames.conversation.acksPerMessage,
      repliesPerAck: measuredFrames.conversation.repliesPerAck,
      source: `measured ${measuredFrames.at ?? 'unknown'} (npm run bench -- frames: a conversation, one message every 2 s, ackDelayMs ${measuredFrames.ackDelayMs})`,
    }
  : {
      acksPerMessage: assumptions.acksPerDirectMessage,
      repliesPerAck: assumptions.repliesPerAck,
      source: 'assumed (run npm run bench -- frames to measure)',
    };
const scenarios = buildScenarios(calls.operations, assumptions, prices, heartbeat, acks);
if (command === 'scale') {
  const plan = planScale(seedLoad, scenarios, assumptions, prices);
  process.stdout.write(scaleReport(plan, { measuredAt, assumptions, prices }, markdown));
  process.exit(0);
}
if (command === 'proposals') {
  process.stdout.write(
    `What the proposed changes would give, per million units, ${prices.region} list prices checked ${prices.checked}, ` +
      `call counts measured ${measuredAt}\n\n`,
  );
  process.stdout.write(
    proposalsReport(priceProposals(calls.operations, { assumptions, prices, heartbeat, acks }), markdown),
  );
  process.exit(0);
}
const rows = scenarios.map((s) => ({
  scenario: s,
  cost: costOf(s.usage, prices),
  appSync: appSyncCostOf(s.appSync, prices),
}));

process.stdout.write(
  `AWS cost per million units, ${prices.region} list prices checked ${prices.checked} (prices change: see tools/cost/prices.ts)\n` +
    `call counts measured ${measuredAt}\n\n`,
);
process.stdout.write(`${costTable(rows, markdown)}\n\n`);
process.stdout.write('usage per unit (the numbers behind the table)\n\n');
process.stdout.write(`${usageTable(scenarios, markdown)}\n\n`);
process.stdout.write(`${fileRow()}\n\n`);
process.stdout.write(
  `assumptions (tools/cost/assumptions.ts): ${assumptions.memoryMb} MB arm64 functions; duration estimated as ` +
    `${assumptions.duration.invocationMs} ms per invocation + ${assumptions.duration.dynamoDbCallMs} ms per DynamoDB call + ` +
    `${assumptions.duration.sqsCallMs} ms per SQS send + ${assumptions.duration.postMs} ms per post at ${assumptions.duration.postsInFlight} in flight; ` +
    `frames of ${assumptions.frameBytes} bytes; sessions of ${assumptions.sessionMinutes} minutes; ${heartbeat ? `${heartbeat.pingsPerMinute} pings a minute measured (npm run bench -- ping)` : `${assumptions.pingsPerMinute} pings a minute assumed`}; ` +
    `${acks.acksPerMessage} ack frames per direct message with ${acks.repliesPerAck} replies each, ${acks.source}; no free tier, no cold starts, no data transfer, no CloudWatch\n`,
);
process.stdout.write(
  `\n${describeSweeperBudget(sweeperBudget(assumptions, heartbeatDefaults.lastSeenMs), assumptions)}`,
);
process.stdout.write(`\n${describeEventBusCost(eventBusCost(prices))}`);
process.stdout.write(`\n${describePublishHookCost(publishHookCost(prices))}`);
