import type { CallsFigures } from './calls.ts';
import type { DeliveryFigures } from './delivery.ts';
import type { DeliveryAloneFigures } from './delivery-alone.ts';
import { rateColumns } from './delivery-figures.ts';
import type { DirectFigures, DirectTarget } from './direct.ts';
import { round } from './stats.ts';

const out = (text: string) => process.stdout.write(text);

/** The direct-message group: steady-rate latency and the highest sustained rate, runtime against relay. */
export function printDirect(f: DirectFigures): void {
  const row = (t: DirectTarget) => ({
    [`p50 ms at ${f.rate}/s`]: round(t.steady.p50, 2),
    [`p99 ms at ${f.rate}/s`]: round(t.steady.p99, 2),
    [`received at ${f.rate}/s`]: `${t.steady.received}/${t.steady.sent}`,
    'max sustained /s': `${t.capped ? '>= ' : ''}${t.maxSustained}`,
  });
  console.table({
    'bare ws relay (baseline)': row(f.baseline),
    'local runtime (send route)': row(f.runtime),
  });
  out(
    `ratio: ${round(f.rateRatio * 100, 1)}% of the relay's sustained rate; p99 ${round(f.runtime.steady.p99, 1)} ms at ${f.rate}/s (target < 20 ms); a rate is sustained when every message of a 2 s step arrived within 1 s of its end, without an error, at a median under 100 ms\n\n`,
  );
}

/** The delivery group: posts per second against the ceiling in flight / latency. */
export function printDelivery(f: DeliveryFigures): void {
  console.table(
    Object.fromEntries(
      f.cases.map((c) => [
        `${c.path}, ${c.latencyMs} ms`,
        { ...rateColumns(c), received: `${c.received}/${c.posts}` },
      ]),
    ),
  );
  out(
    `deliver: deliverToConnections on one shard (DELIVERY_CONCURRENCY ${f.concurrency}); worker: the deliver handler with ${f.recordsPerBatch} SQS records run in parallel (socket pool ${f.maxSockets}); raw: bare SDK posts, ${f.concurrency} in flight. Target >= 80% of the ceiling.\n\n`,
  );
}

/** The delivery worker alone against the management stub: posts per second against the ceiling. */
export function printDeliveryAlone(f: DeliveryAloneFigures): void {
  console.table(
    Object.fromEntries(
      f.cases.map((c) => [
        `${c.path}, ${c.latencyMs} ms`,
        { ...rateColumns(c), 'most in flight': c.maxInFlightSeen, answered: `${c.answered}/${c.posts}` },
      ]),
    ),
  );
  out(
    `deliver: one shard, DELIVERY_CONCURRENCY ${f.concurrency} in flight; worker: ${f.recordsPerBatch} SQS records in parallel, capped by the socket pool (${f.maxSockets}). Target >= 80% of the ceiling.\n\n`,
  );
}

/** The calls group: AWS calls per operation. */
export function printCalls(f: CallsFigures): void {
  console.table(
    Object.fromEntries(
      f.operations.map((o) => [
        o.operation,
        {
          Lambda: Object.entries(o.lambda)
            .map(([name, n]) => (n > 1 ? `${name} x${n}` : name))
            .join(' '),
          'DDB reads (items, RRU)': `${o.dynamodb.reads} (${o.dynamodb.readItems}, ${o.dynamodb.readUnits})`,
          'DDB writes (items, WRU)': `${o.dynamodb.writes} (${o.dynamodb.writeItems}, ${o.dynamodb.writeUnits})`,
          'SQS billed': o.sqs.billed,
          posts: o.posts,
          'WS messages in/out': `${o.messages.fromClients}/${o.messages.toClients}`,
        },
      ]),
    ),
  );
  out(
    'RRU/WRU: request units from item sizes (eventually consistent reads), WRU including estimated index writes; SQS billed: sends plus a receive and a delete per consumer batch\n\n',
  );
}
