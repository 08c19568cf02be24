import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { exitWithUsageError, readCommandLine } from '../cli-args.ts';
import { renderChart } from './chart.ts';
import { coordinate } from './coordinator.ts';
import { readLocalEndpoints } from './endpoints.ts';
import { parseOptions, usage } from './options.ts';
import { perUserRate, planWorkers } from './plan.ts';
import { createProgressPrinter } from './progress.ts';
import { buildReport } from './report.ts';
import { formatSummary } from './summary-table.ts';
import { mergeResults } from './worker-result.ts';

/**
 * `npm run loadtest -- --scenario room --connections 2000 --duration 60s`: drives any endpoint
 * that speaks the wavelet protocol (the local runtime by default) and reports end-to-end latency,
 * throughput, set-up times, errors, and lost and duplicated deliveries. Exit code 0 when nothing
 * was lost or duplicated and every connection held, 1 otherwise, 2 on bad options.
 */
const tool = { name: 'loadtest', usage };
const options = readCommandLine(tool, () => parseOptions(process.argv.slice(2), process.env));

const endpoints = await readLocalEndpoints();
const url = options.url ?? endpoints.websocket ?? 'ws://127.0.0.1:8080';
const runId = randomBytes(3).toString('hex');
const queueUrl = options.queueUrl ?? endpoints.queues?.notifications;
const sqsEndpoint = options.sqsEndpoint ?? (options.queueUrl ? undefined : endpoints.sqs);
if (options.scenario === 'notify' && !queueUrl) {
  exitWithUsageError(tool, 'the notify scenario needs --queue-url (or a running `npm start`)');
}

const warnings: string[] = [];
const userRate = perUserRate(options);
if (userRate > 15) {
  warnings.push(
    `each sending user makes ${userRate.toFixed(1)} frames/s, near or over the server's limit of 20/s ` +
      '(burst 40): expect RATE_LIMITED; add connections, rooms or --publishers',
  );
}
for (const w of warnings) process.stderr.write(`warning: ${w}\n`);

const plans = planWorkers(options, {
  url,
  runId,
  userPrefix: options.userPrefix ?? `lt-${runId}-`,
  sqs: queueUrl ? { queueUrl, endpoint: sqsEndpoint, region: options.region } : undefined,
});
const startedAt = new Date();
const loadAverageStart = os.loadavg().map((x) => Math.round(x * 10) / 10);
process.stderr.write(
  `load test ${runId}: ${options.scenario}, ${options.connections} connections in ${options.processes} process(es) -> ${url}\n`,
);
const progress = createProgressPrinter(process.stderr, options.connections);
const run = await coordinate(plans, (point) => progress.print(point));
progress.end();

const report = buildReport({
  options,
  url,
  merged: mergeResults(run.results),
  series: run.series,
  startedAt,
  loadAverageStart,
  warnings,
});
process.stdout.write(formatSummary(report));
if (options.out) await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
if (options.chart) await writeFile(options.chart, renderChart(report));
process.exit(report.ok ? 0 : 1);
