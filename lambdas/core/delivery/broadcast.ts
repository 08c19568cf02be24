import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { requireResource } from '../config.ts';
import type { Deps } from '../deps.ts';
import { sendRecords } from '../queue.ts';
import { epochSeconds, keys, sweepShards } from '../store/keys.ts';
import { type DeliveryReport, deliverToConnections, emptyReport } from './deliver.ts';
import { recordFanout } from './fanout-metrics.ts';
import type { DeliveryRecord, LegacyScanRecord, ShardRecord } from './records.ts';

/**
 * A shard worker stops reading after this long and queues the rest of its shard as a new
 * record, well inside the delivery function's 60 s timeout.
 */
export const defaultSegmentBudgetMs = 20_000;

/**
 * Last-seen records read per Query. The time budget is checked between pages, and a full 1 MB
 * page holds some 6,000 ids: posting those alone could outrun the function's timeout.
 */
export const shardPageSize = 1000;

/** Records one broadcast is cut into: one per shard of the last-seen records. */
export const broadcastRecords = sweepShards;

/** Queues one `shard` record per shard of the last-seen records; each delivery worker runs one. */
export async function enqueueBroadcast(deps: Deps, frame: string): Promise<void> {
  await queueShards(
    deps,
    frame,
    Array.from({ length: sweepShards }, (_, shard) => shard),
  );
}

/**
 * TRANSITION, for one release: remove it and the `scan` record once neither the deliveries
 * queue nor its dead-letter queue can hold one (the queue's records are handled within
 * minutes of the deploy that carries this; a dead letter redriven later would bring one back).
 * A `scan` record, queued before that deploy, names a parallel-scan segment of the byUser
 * index, which connections opened since no longer enter: it is queued again as the shards that
 * cover its segment (shard k for segment k mod totalSegments, so the segments of one broadcast
 * cover each shard once). A continuation (`startKey`, an index key) starts its shards over: the
 * connections its earlier part reached get the frame twice, which clients drop by `id`; none is
 * missed.
 */
export async function requeueLegacyScan(deps: Deps, record: LegacyScanRecord): Promise<void> {
  const shards = Array.from({ length: sweepShards }, (_, shard) => shard).filter(
    (shard) => shard % record.totalSegments === record.segment,
  );
  await queueShards(deps, record.frame, shards);
}

async function queueShards(deps: Deps, frame: string, shards: readonly number[]): Promise<void> {
  if (shards.length === 0) return;
  const records = shards.map((shard) => ({
    body: JSON.stringify({ type: 'shard', frame, shard } satisfies DeliveryRecord),
  }));
  await sendRecords(deps, requireResource(deps.config, 'DELIVERIES_QUEUE_URL'), records);
}

export interface SegmentReport extends DeliveryReport {
  /** Query pages read. */
  pages: number;
  /** True when the rest of the shard was queued as a new record. */
  continued: boolean;
}

/**
 * Posts the frame to every live connection in one shard of the last-seen records (keys.seen),
 * page by page: one Query of the shard's partition. Every connection has one (`putConnection`
 * writes it first), so the shards together hold every connection, once; the filter skips
 * records past their expiry (TTL deletes late).
 *
 * It runs on the broadcast path only (a `{ "all": true }` notification); per-message paths
 * read by key or a room's Query. The next page is read while the current one is posted. A
 * worker that crashes mid-shard gets its record back and starts the shard (or its
 * continuation) again: some connections then see the frame twice, and clients drop duplicates
 * by `id` (docs/protocol.md, "Delivery guarantees").
 *
 * Each run is one `broadcast` fan-out (FanoutRecipients, FanoutDuration): a shard, or the
 * continuation of one; a broadcast's recipients are the sum over its shards.
 */
export async function deliverToShard(
  deps: Deps,
  record: ShardRecord,
  budgetMs = defaultSegmentBudgetMs,
): Promise<SegmentReport> {
  const started = deps.now();
  const report: SegmentReport = { ...emptyReport(), pages: 0, continued: false };
  let page = readAhead(deps, record, record.startKey);
  let recipients = 0;
  const done = (): SegmentReport => {
    recordFanout('broadcast', recipients, deps.now() - started);
    return report;
  };
  for (;;) {
    const { ids, next } = await page;
    report.pages += 1;
    recipients += ids.length;
    if (next) page = readAhead(deps, record, next);
    const delivered = await deliverToConnections(deps, record.frame, ids, { inlineOnly: true });
    for (const key of ['delivered', 'gone', 'handedOff', 'rejected'] as const) report[key] += delivered[key];
    report.removed.push(...delivered.removed);
    if (!next) return done();
    if (deps.now() - started > budgetMs) {
      // The page read ahead is dropped; the continuation reads it again.
      const rest: DeliveryRecord = { ...record, startKey: next };
      await sendRecords(deps, requireResource(deps.config, 'DELIVERIES_QUEUE_URL'), [
        { body: JSON.stringify(rest) },
      ]);
      report.continued = true;
      return done();
    }
  }
}

/** Starts reading a page; a failure surfaces when the page is awaited, not as unhandled. */
function readAhead(
  deps: Deps,
  record: ShardRecord,
  startKey: Record<string, string> | undefined,
): ReturnType<typeof readPage> {
  const page = readPage(deps, record, startKey);
  page.catch(() => undefined);
  return page;
}

async function readPage(
  deps: Deps,
  record: ShardRecord,
  startKey: Record<string, string> | undefined,
): Promise<{ ids: string[]; next?: Record<string, string> }> {
  const page = await deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      KeyConditionExpression: 'pk = :shard',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':shard': keys.seenShard(record.shard), ':now': epochSeconds(deps.now()) },
      ProjectionExpression: 'connectionId',
      Limit: shardPageSize,
      ExclusiveStartKey: startKey,
    }),
  );
  const ids = (page.Items ?? []).map((item) => item.connectionId as string);
  return { ids, next: page.LastEvaluatedKey as Record<string, string> | undefined };
}
