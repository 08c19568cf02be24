import { requireResource } from '../config.ts';
import type { Deps } from '../deps.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import { sendRecords } from '../queue.ts';
import {
  handshakeMaxMs,
  listUserConnections,
  type RemovedConnection,
  removeConnection,
} from '../store/connections.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { recordFanout } from './fanout-metrics.ts';
import { postWithRetry } from './post.ts';
import type { DeliveryRecord } from './records.ts';

/** What one delivery did, for replies, logs and metrics. */
export interface DeliveryReport {
  delivered: number;
  /**
   * Connections API Gateway no longer knew (410); their records were removed, except those
   * opened in the last `handshakeMaxMs` (maybe still in `$connect`), which are left as they are.
   */
  gone: number;
  /**
   * The records this delivery removed for gone connections (with their subscriptions), for the
   * caller to announce the departures: delivery reports, it does not call services. A gone
   * connection that someone else removed first (its `$disconnect`, the sweeper) is not here,
   * nor one whose removal failed: its record stays, and the sweeper closes and announces it.
   */
  removed: RemovedConnection[];
  /** Connections handed to the deliveries queue after inline retries ran out. */
  handedOff: number;
  /** Connections sent to the deliveries queue as shards of a large fan-out. */
  sharded: number;
  /** Posts API Gateway refused for good (403, 413); logged. */
  rejected: number;
}

export interface DeliverOptions {
  /** Deliver here even above DELIVERY_INLINE_MAX (the delivery worker runs its shard). @default false */
  readonly inlineOnly?: boolean;
  /** How many times this frame was already handed off; bounds the retries through the queue. @default 0 */
  readonly attempt?: number;
}

/** Hand-offs after which a connection is given up (stored messages stay in the inbox). */
const maxHandOffs = 5;

/**
 * The one delivery mechanism. Posts `frame` to every connection, inline with bounded
 * concurrency up to DELIVERY_INLINE_MAX recipients, as shards on the deliveries queue above.
 * Counts `Deliveries` per connection posted to (see postWithRetry), `handed_off` for the ones
 * queued again and `abandoned` past the last hand-off; shards are counted by the worker that
 * posts them.
 */
export async function deliverToConnections(
  deps: Deps,
  frame: string,
  connectionIds: readonly string[],
  options: DeliverOptions = {},
): Promise<DeliveryReport> {
  const report = emptyReport();
  const unique = [...new Set(connectionIds)];
  if (unique.length === 0) return report;
  const { DELIVERY_INLINE_MAX, DELIVERY_SHARD_SIZE, DELIVERY_CONCURRENCY } = deps.config;

  if (!options.inlineOnly && unique.length > DELIVERY_INLINE_MAX) {
    const records = chunk(unique, DELIVERY_SHARD_SIZE).map((ids) => ({
      body: JSON.stringify({
        type: 'connections',
        frame,
        connectionIds: ids,
        attempt: 0,
      } satisfies DeliveryRecord),
    }));
    await sendRecords(deps, requireResource(deps.config, 'DELIVERIES_QUEUE_URL'), records);
    report.sharded = unique.length;
    return report;
  }

  const retryLater: string[] = [];
  await mapWithConcurrency(unique, DELIVERY_CONCURRENCY, async (connectionId) => {
    const outcome = await postWithRetry(deps, connectionId, frame);
    if (outcome === 'ok') report.delivered += 1;
    else if (outcome === 'gone') {
      report.gone += 1;
      const removed = await pruneConnection(deps, connectionId);
      if (removed) report.removed.push(removed);
    } else if (outcome === 'retryable') retryLater.push(connectionId);
    else report.rejected += 1;
  });
  if (report.rejected > 0) logger.warn('Posts rejected by API Gateway', { rejected: report.rejected });

  // Only the connections whose retries ran out go back to the queue: one that was reached is
  // never posted to again, so a normal run delivers each message once per connection.
  if (retryLater.length > 0) {
    const attempt = (options.attempt ?? 0) + 1;
    if (attempt > maxHandOffs) {
      count('Deliveries', retryLater.length, { outcome: 'abandoned' });
      logger.error('Delivery abandoned after repeated hand-offs', {
        connections: retryLater.length,
        attempt,
      });
    } else {
      const body = JSON.stringify({ type: 'connections', frame, connectionIds: retryLater, attempt });
      // Exponential delay so a throttled account gets room to recover.
      await sendRecords(deps, requireResource(deps.config, 'DELIVERIES_QUEUE_URL'), [
        { body, delaySeconds: Math.min(900, 2 ** attempt) },
      ]);
      report.handedOff = retryLater.length;
      count('Deliveries', retryLater.length, { outcome: 'handed_off' });
    }
  }
  return report;
}

/** A report of nothing delivered yet. */
export const emptyReport = (): DeliveryReport => ({
  delivered: 0,
  gone: 0,
  removed: [],
  handedOff: 0,
  sharded: 0,
  rejected: 0,
});

/**
 * Removes a connection API Gateway answered 410 for. Not one opened in the last
 * {@link handshakeMaxMs}: API Gateway answers 410 while `$connect` runs too, and removing that
 * one would leave an open socket that no delivery finds (a direct message waits in the inbox for
 * its `sync`); a young connection that really is gone is removed by its `$disconnect` or the
 * sweeper. Best effort: a failure here must not fail the delivery, or its queue record would come
 * back and post again to every connection it already reached; the sweeper and TTL remove what is
 * left.
 */
export async function pruneConnection(
  deps: Deps,
  connectionId: string,
): Promise<RemovedConnection | undefined> {
  try {
    return await removeConnection(deps, connectionId, { openedBefore: deps.now() - handshakeMaxMs });
  } catch (error) {
    count('InternalErrors');
    logger.warn('Could not remove a gone connection', { connectionId, error });
    return undefined;
  }
}

/** Delivers to every connection of each user (all their devices and tabs): one `user` fan-out. */
export async function deliverToUsers(
  deps: Deps,
  frame: string,
  userIds: readonly string[],
  options: DeliverOptions = {},
): Promise<DeliveryReport> {
  const started = deps.now();
  const perUser = await mapWithConcurrency(
    [...new Set(userIds)],
    deps.config.DELIVERY_CONCURRENCY,
    (userId) => listUserConnections(deps, userId),
  );
  const connectionIds = [...new Set(perUser.flat())];
  const report = await deliverToConnections(deps, frame, connectionIds, options);
  recordFanout('user', connectionIds.length, deps.now() - started);
  return report;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
