import { parseCommandLine, readCommandLine } from '../../cli-args.ts';
import { estimateOperation } from './estimate.ts';
import { warmP99GoalMs } from './figures.ts';
import { callsTable, latencyTable, remedies, routesWithoutRow, stepsTable } from './table.ts';
import { traceOperations } from './trace-operations.ts';

const tool = {
  name: 'cost',
  usage: `npm run cost -- latency [--markdown]

Estimated latency on AWS of every WebSocket route, every HTTP route and the fan-out paths, warm
p50 and p99 and what a cold start adds: the AWS calls on each critical path, traced from a run
of the local runtime (which calls wait for which), times the published latencies and the stated
assumptions in tools/cost/latency/figures.ts. The goal is every user-facing route under
${warmP99GoalMs} ms p99 warm; the rows over it say what would get them there.

  --markdown   print the tables as Markdown
  -h, --help   print this help
`,
};

/** `npm run cost -- latency`: see the usage above. */
export async function runLatency(argv: readonly string[]): Promise<void> {
  const { markdown } = readCommandLine(tool, () => {
    const { values } = parseCommandLine(argv, { markdown: { type: 'boolean' } });
    return { help: values.help, markdown: values.markdown ?? false };
  });
  const tracedAt = new Date().toISOString();
  const estimates = (await traceOperations()).map(estimateOperation);
  const missing = routesWithoutRow(estimates);
  const out = (text: string) => process.stdout.write(text);
  out(
    `AWS latency per operation, estimated: calls traced by the local runtime ${tracedAt} (Node ${process.versions.node}), ` +
      `latencies from tools/cost/latency/figures.ts (checked 2026-12-02; most are assumptions where AWS publishes none)\n\n`,
  );
  out(`${latencyTable(estimates, markdown)}\n\n`);
  const fixes = remedies(estimates);
  out(
    fixes.length === 0
      ? `every user-facing route is under ${warmP99GoalMs} ms p99 warm\n\n`
      : `over ${warmP99GoalMs} ms p99 warm, and what would get it there:\n\n${fixes.map((f) => `- ${f}`).join('\n')}\n\n`,
  );
  out(`steps besides the calls\n\n${stepsTable(markdown)}\n\n`);
  out(`per call\n\n${callsTable(markdown)}\n`);
  if (missing.length > 0) {
    process.stderr.write(`routes with no row: ${missing.join(', ')}\n`);
    process.exitCode = 1;
  }
}
