import { DeleteConnectionCommand, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { mapWithConcurrency } from '../delivery/concurrency.ts';
import { classify } from '../delivery/post.ts';
import type { Deps } from '../deps.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import { deleteLastSeen, getConnection, touchConnection } from '../store/connections.ts';
import {
  forEachExpiredCredentialPage,
  forEachIdleConnectionPage,
  type IdleConnection,
} from '../store/idle-connections.ts';
import { epochSeconds, sweepShards } from '../store/keys.ts';
import { closeConnection, settlePresence } from './connection-lifecycle.ts';

export interface SweepReport {
  /** Idle connections looked at. */
  checked: number;
  /** Closed: API Gateway no longer knew them (410), or their record had expired. */
  pruned: number;
  /** Of the pruned, those whose record this run removed (not `$disconnect` or a 410 first). */
  removed: number;
  /** Still open; their last-seen moved to now so the next run skips them. */
  alive: number;
  /** Could not be checked (throttled, 5xx, table errors); the next run tries again. */
  failed: number;
  /** False when the run stopped at its deadline with shards left unread. */
  complete: boolean;
}

export interface SweepOptions {
  /** Epoch ms after which no new page is read (the Lambda's remaining time). */
  readonly deadline?: number;
}

/** Shards read at once, and connections checked at once within a page. */
const shardConcurrency = 4;
const checkConcurrency = 8;

/**
 * Finds connections whose `$disconnect` may never have come: those not seen for
 * SWEEP_IDLE_SECONDS, shard by shard of their last-seen records. Each is asked about with
 * `GET @connections`; the gone ones are closed (which removes their subscriptions and announces
 * `left`/`offline`). A connection still in `$connect` also answers 410, but it cannot be idle:
 * its last-seen is its connection time, so SWEEP_IDLE_SECONDS above API Gateway's 29 s
 * integration timeout keeps it out of reach.
 */
export async function sweepConnections(deps: Deps, options: SweepOptions = {}): Promise<SweepReport> {
  const report: SweepReport = { checked: 0, pruned: 0, removed: 0, alive: 0, failed: 0, complete: true };
  const horizon = deps.now() - deps.config.SWEEP_IDLE_SECONDS * 1000;
  const keepGoing = () => options.deadline === undefined || deps.now() < options.deadline;
  const shards = Array.from({ length: sweepShards }, (_, shard) => shard);
  const sweptUsers = new Set<string>();
  await mapWithConcurrency(shards, shardConcurrency, async (shard) => {
    const done = await forEachIdleConnectionPage(
      deps,
      shard,
      horizon,
      async (page) => {
        await mapWithConcurrency(page, checkConcurrency, (c) => checkConnection(deps, c, report, sweptUsers));
      },
      keepGoing,
    );
    if (!done) report.complete = false;
  });
  await reconcileSweptUsers(deps, sweptUsers);
  return report;
}

/**
 * The users whose connections this run closed get their presence counts checked: a count
 * left behind by a close that crashed before it (a connection long gone still counted keeps
 * the user from ever going `offline`) is settled now, and announced late.
 */
async function reconcileSweptUsers(deps: Deps, userIds: ReadonlySet<string>): Promise<void> {
  await mapWithConcurrency([...userIds], checkConcurrency, async (userId) => {
    try {
      await settlePresence(deps, userId);
    } catch (error) {
      count('InternalErrors');
      logger.warn('Sweeper could not settle presence counts', { userId, error: error as Error });
    }
  });
}

async function checkConnection(
  deps: Deps,
  connection: IdleConnection,
  report: SweepReport,
  sweptUsers: Set<string>,
): Promise<void> {
  const { connectionId } = connection;
  report.checked += 1;
  try {
    // Past its expiry the socket is past API Gateway's two-hour cap: no need to ask.
    if (connection.expiresAt <= epochSeconds(deps.now()) || !(await isOpen(deps, connectionId))) {
      const closed = await closeConnection(deps, connectionId, { reason: 'stale' });
      report.pruned += 1;
      // Undefined when `$disconnect` (or a post's 410) removed the record first, or when a
      // removal stopped between the record and its last-seen record: that one goes now.
      if (closed) {
        sweptUsers.add(closed.userId);
        report.removed += 1;
      } else await deleteLastSeen(deps, connectionId);
      return;
    }
    await touchConnection(deps, connectionId);
    report.alive += 1;
  } catch (error) {
    report.failed += 1;
    count('InternalErrors');
    logger.warn('Sweeper could not check a connection', { connectionId, error: error as Error });
  }
}

/** Asks API Gateway; only a 410 means gone, any other failure is thrown (checked next run). */
async function isOpen(deps: Deps, connectionId: string): Promise<boolean> {
  try {
    await deps.management.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    return true;
  } catch (error) {
    if (classify(error) === 'gone') return false;
    throw error;
  }
}

export interface ExpirySweepReport {
  /** Connections whose credential expired more than the grace period ago, closed. */
  closed: number;
  /** Could not be closed (throttled, 5xx, table errors); the next run tries again. */
  failed: number;
  /** False when the run stopped at its deadline with shards left unread. */
  complete: boolean;
}

/**
 * How long a connection may stay open after its credential expired: time for the client to
 * `refresh` (its frames are refused meanwhile, but `ping` and `refresh`).
 */
export const credentialGraceMs = 5 * 60 * 1000;

/**
 * Closes connections whose credential expired more than {@link credentialGraceMs} ago, shard
 * by shard of the byCredentialExpiry index: API Gateway is told to drop the socket
 * (`DELETE @connections`; a 410 means it is gone already), then the connection is closed as
 * on `$disconnect` (subscriptions removed, `left`/`offline` announced, once: whichever of this
 * and the `$disconnect` that follows removes the record announces).
 */
export async function closeExpiredConnections(
  deps: Deps,
  options: SweepOptions = {},
): Promise<ExpirySweepReport> {
  const report: ExpirySweepReport = { closed: 0, failed: 0, complete: true };
  const expiredBefore = deps.now() - credentialGraceMs;
  const keepGoing = () => options.deadline === undefined || deps.now() < options.deadline;
  const shards = Array.from({ length: sweepShards }, (_, shard) => shard);
  await mapWithConcurrency(shards, shardConcurrency, async (shard) => {
    const done = await forEachExpiredCredentialPage(
      deps,
      shard,
      expiredBefore,
      async (ids) => {
        await mapWithConcurrency(ids, checkConcurrency, (id) =>
          closeExpired(deps, id, expiredBefore, report),
        );
      },
      keepGoing,
    );
    if (!done) report.complete = false;
  });
  return report;
}

async function closeExpired(
  deps: Deps,
  connectionId: string,
  expiredBefore: number,
  report: ExpirySweepReport,
): Promise<void> {
  try {
    // The index is eventually consistent: a connection refreshed a moment ago may still be
    // listed under its old expiry. The record decides.
    const record = await getConnection(deps, connectionId, true);
    if (record?.credentialExpiresAt !== undefined && record.credentialExpiresAt >= expiredBefore) return;
    try {
      await deps.management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (error) {
      if (classify(error) !== 'gone') throw error;
    }
    await closeConnection(deps, connectionId, { reason: 'expired' });
    report.closed += 1;
  } catch (error) {
    report.failed += 1;
    count('InternalErrors');
    logger.warn('Sweeper could not close an expired connection', { connectionId, error: error as Error });
  }
}
