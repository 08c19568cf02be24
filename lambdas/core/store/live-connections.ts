import type { TableDeps } from '../deps.ts';
import { batchGet } from './batch.ts';
import { isPastExpiry, keys } from './keys.ts';

/*
 * Reads for the listing of every online user (`GET /online`), which meets many users and
 * connections at once: BatchGets of 100 keys, eventually consistent.
 */

/**
 * The ids each of these users' live-presence items counts (presence-counts.ts), as
 * `listCountedConnections` reads them for one user; users without any are absent.
 */
export async function listCountedConnectionsOf(
  deps: Pick<TableDeps, 'config' | 'db' | 'now'>,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const items = await batchGet(
    deps,
    userIds.map((id) => keys.livePresence(id)),
    'userId, conns, expiresAt',
  );
  return new Map(
    items
      .filter((item) => !isPastExpiry(item.expiresAt, deps.now()))
      .map((item) => [item.userId as string, [...((item.conns as Set<string> | undefined) ?? [])]]),
  );
}

/**
 * TRANSITION, for one release: remove it and its call 2 hours after the deploy that puts
 * `userId` in the last-seen record (API Gateway closes every connection within 2 hours, so
 * none opened before it is left). The users of connections whose last-seen record lacks one,
 * from their connection records; connections whose record is gone or past its expiry are absent.
 */
export async function getLegacyConnectionUsers(
  deps: Pick<TableDeps, 'config' | 'db' | 'now'>,
  connectionIds: readonly string[],
): Promise<Map<string, string>> {
  const items = await batchGet(
    deps,
    connectionIds.map((id) => keys.connection(id)),
    'connectionId, userId, expiresAt',
  );
  const live = items.filter((item) => !isPastExpiry(item.expiresAt, deps.now()));
  return new Map(live.map((item) => [item.connectionId as string, item.userId as string]));
}

/** Of these connections, those whose last-seen record is there and not past its expiry. */
export async function filterRecordedConnections(
  deps: Pick<TableDeps, 'config' | 'db' | 'now'>,
  connectionIds: readonly string[],
): Promise<Set<string>> {
  const items = await batchGet(
    deps,
    connectionIds.map((id) => keys.seen(id)),
    'connectionId, expiresAt',
  );
  const live = items.filter((item) => !isPastExpiry(item.expiresAt, deps.now()));
  return new Set(live.map((item) => item.connectionId as string));
}
