import { DeleteConnectionCommand, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { mapWithConcurrency } from '../delivery/concurrency.ts';
import { classify } from '../delivery/post.ts';
import type { Deps } from '../deps.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import { deleteLastSeen, touchConnection } from '../store/connections.ts';
import {
  claimExpiredClose,
  claimLegacyExpiredClose,
  getLegacyCredentialExpiries,
} from '../store/credential-expiry.ts';
import { forEachIdleConnectionPage, type IdleConnection } from '../store/idle-connections.ts';
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
  /** Closed because their credential expired more than {@link credentialGraceMs} ago. */
  expired: number;
  /** Could not be checked or closed (throttled, 5xx, table errors); the next run tries again. */
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
 * How long a connection may stay open after its credential expired: time for the client to
 * `refresh` (its frames are refused meanwhile, but `ping` and `refresh`).
 */
export const credentialGraceMs = 5 * 60 * 1000;

/**
 * One pass over the last-seen records, shard by shard, for two kinds of connection.
 *
 * Those whose `$disconnect` may never have come: not seen for SWEEP_IDLE_SECONDS. Each is
 * asked about with `GET @connections`; the gone ones are closed (which removes their
 * subscriptions and announces `left`/`offline`). A connection still in `$connect` also answers
 * 410, but it cannot be idle: its last-seen is its connection time, so SWEEP_IDLE_SECONDS above
 * the longest handshake (`handshakeMaxMs` in connections.ts, 60 s) keeps it out of reach.
 *
 * Those whose credential expired more than {@link credentialGraceMs} ago (and are not found
 * gone first): API Gateway is told to drop the socket (`DELETE @connections`; a 410 means it is
 * gone already), then the connection is closed as on `$disconnect`, reason `expired` (whichever
 * of this and the `$disconnect` that follows removes the record announces).
 */
export async function sweepConnections(deps: Deps, options: SweepOptions = {}): Promise<SweepReport> {
  const report: SweepReport = {
    checked: 0,
    pruned: 0,
    removed: 0,
    alive: 0,
    expired: 0,
    failed: 0,
    complete: true,
  };
  const horizons = {
    seenBefore: deps.now() - deps.config.SWEEP_IDLE_SECONDS * 1000,
    credentialExpiredBefore: deps.now() - credentialGraceMs,
  };
  const keepGoing = () => options.deadline === undefined || deps.now() < options.deadline;
  const shards = Array.from({ length: sweepShards }, (_, shard) => shard);
  const sweptUsers = new Set<string>();
  await mapWithConcurrency(shards, shardConcurrency, async (shard) => {
    const done = await forEachIdleConnectionPage(
      deps,
      shard,
      horizons,
      async (page) => {
        const legacy = await readLegacyExpiries(deps, page, report);
        await mapWithConcurrency(page, checkConcurrency, async (c) => {
          const open =
            c.lastSeenAt >= horizons.seenBefore || (await checkConnection(deps, c, report, sweptUsers));
          if (!open) return;
          const before = horizons.credentialExpiredBefore;
          if (c.credentialExpiresAt === undefined) {
            const expiry = legacy.get(c.connectionId);
            if (expiry !== undefined && expiry < before) {
              await closeExpired(
                deps,
                c.connectionId,
                () => claimLegacyExpiredClose(deps, c.connectionId),
                report,
              );
            }
          } else if (c.credentialExpiresAt < before)
            await closeExpired(
              deps,
              c.connectionId,
              () => claimExpiredClose(deps, c.connectionId, before),
              report,
            );
        });
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

/** True when the connection is still open (its last-seen moved on), false when closed or unchecked. */
async function checkConnection(
  deps: Deps,
  connection: IdleConnection,
  report: SweepReport,
  sweptUsers: Set<string>,
): Promise<boolean> {
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
      return false;
    }
    await touchConnection(deps, connectionId);
    report.alive += 1;
    return true;
  } catch (error) {
    report.failed += 1;
    count('InternalErrors');
    logger.warn('Sweeper could not check a connection', { connectionId, error: error as Error });
    return false;
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

/**
 * TRANSITION (store/credential-expiry.ts, getLegacyCredentialExpiry; goes with it): a last-seen
 * record without an expiry is a connection opened before the expiry moved there, whose expiry is
 * in its connection record, read for a whole page at once (100 a BatchGet). Only such records
 * cost this read; none is left 2 hours after the deploy. A failed read closes none of them.
 */
async function readLegacyExpiries(
  deps: Deps,
  page: readonly IdleConnection[],
  report: SweepReport,
): Promise<Map<string, number>> {
  const ids = page.filter((c) => c.credentialExpiresAt === undefined).map((c) => c.connectionId);
  if (ids.length === 0) return new Map();
  try {
    return await getLegacyCredentialExpiries(deps, ids);
  } catch (error) {
    report.failed += 1;
    count('InternalErrors');
    logger.warn('Sweeper could not read credential expiries', {
      connections: ids.length,
      error: error as Error,
    });
    return new Map();
  }
}

async function closeExpired(
  deps: Deps,
  connectionId: string,
  claim: () => Promise<boolean>,
  report: SweepReport,
): Promise<void> {
  try {
    // The page may be older than a `refresh`: the conditional claim decides, and from it on no
    // refresh can move the expiry (credential-expiry.ts).
    if (!(await claim())) return;
    try {
      await deps.management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (error) {
      if (classify(error) !== 'gone') throw error;
    }
    // Undefined when `$disconnect` removed the record first, or when a removal stopped between
    // the record and its last-seen record: that one goes now.
    const closed = await closeConnection(deps, connectionId, { reason: 'expired' });
    if (!closed) await deleteLastSeen(deps, connectionId);
    report.expired += 1;
  } catch (error) {
    report.failed += 1;
    count('InternalErrors');
    logger.warn('Sweeper could not close an expired connection', { connectionId, error: error as Error });
  }
}
