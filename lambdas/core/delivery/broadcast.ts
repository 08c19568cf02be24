import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { requireResource } from '../config.ts';
import type { Deps } from '../deps.ts';
import { sendRecords } from '../queue.ts';
import { byUserIndex, epochSeconds } from '../store/keys.ts';
import { type DeliveryReport, deliverToConnections, emptyReport } from './deliver.ts';
import { recordFanout } from './fanout-metrics.ts';
import type { DeliveryRecord, ScanRecord } from './records.ts';

/** Parallel-scan segments of a broadcast: how many delivery workers share it. */
export const defaultBroadcastSegments = 8;

/**
 * A segment worker stops reading after this long and queues the rest of its segment as a new
 * record, well inside the delivery function's 60 s timeout.
 */
export const defaultSegmentBudgetMs = 20_000;

/** Queues one `scan` record per segment; each delivery worker then runs one segment. */
export async function enqueueBroadcast(
  deps: Deps,
  frame: string,
  totalSegments = defaultBroadcastSegments,
): Promise<void> {
  const records = Array.from({ length: totalSegments }, (_, segment) => ({
    body: JSON.stringify({ type: 'scan', frame, segment, totalSegments } satisfies DeliveryRecord),
  }));
  await sendRecords(deps, requireResource(deps.config, 'DELIVERIES_QUEUE_URL'), records);
}

export interface SegmentReport extends DeliveryReport {
  /** Scan pages read. */
  pages: number;
  /** True when the rest of the segment was queued as a new record. */
  continued: boolean;
}

/**
 * Posts the frame to every live connection in one segment of the byUser index, page by page.
 *
 * This is the only Scan in the product, and it runs on the broadcast path only (a
 * `{ "all": true }` notification): there is no partition that lists every connection, and
 * one would be a hot key. Per-message paths read by key or Query. The index holds connection
 * items (`gsi1pk = USER#…`) and member items (`ROOMS#…`); the filter keeps live connections
 * (TTL deletes late, so expired records are skipped here as on every read).
 *
 * The next page is read while the current one is posted. A worker that crashes mid-segment
 * gets its record back and starts the segment (or its continuation) again: some connections
 * then see the frame twice, and clients drop duplicates by `id` (docs/protocol.md, "Delivery guarantees").
 *
 * Each run is one `broadcast` fan-out (FanoutRecipients, FanoutDuration): a segment, or the
 * continuation of one; a broadcast's recipients are the sum over its segments.
 */
export async function deliverToSegment(
  deps: Deps,
  record: ScanRecord,
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
  record: ScanRecord,
  startKey: Record<string, string> | undefined,
): ReturnType<typeof readPage> {
  const page = readPage(deps, record, startKey);
  page.catch(() => undefined);
  return page;
}

async function readPage(
  deps: Deps,
  record: ScanRecord,
  startKey: Record<string, string> | undefined,
): Promise<{ ids: string[]; next?: Record<string, string> }> {
  const page = await deps.db.send(
    new ScanCommand({
      TableName: deps.config.TABLE_NAME,
      IndexName: byUserIndex,
      Segment: record.segment,
      TotalSegments: record.totalSegments,
      FilterExpression: '#type = :connection AND expiresAt > :now',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':connection': 'connection', ':now': epochSeconds(deps.now()) },
      ProjectionExpression: 'connectionId',
      ExclusiveStartKey: startKey,
    }),
  );
  const ids = (page.Items ?? []).map((item) => item.connectionId as string);
  return { ids, next: page.LastEvaluatedKey as Record<string, string> | undefined };
}
