import { mapWithConcurrency } from '../delivery/concurrency.ts';
import type { Deps } from '../deps.ts';
import { emitEvents, newBusEvent } from '../events/emit.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import {
  type ConnectionRecord,
  getConnection,
  putConnection,
  removeConnection,
  touchConnection,
} from '../store/connections.ts';
import {
  getLivePresence,
  registerConnection,
  uncountConnection,
  uncountSubscription,
} from '../store/presence-counts.ts';
import {
  announceDeparture,
  announceToRooms,
  type CloseReason,
  closedEvents,
  departureOf,
} from './departures.ts';

export interface OpenConnectionInput {
  readonly connectionId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  readonly device?: string;
  readonly connectedAt: number;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** When the credential presented at `$connect` expires, epoch ms. */
  readonly credentialExpiresAt?: number;
}

/**
 * Records a connection that passed the authorizer, then counts it among its user's live
 * connections (presence-counts.ts). A user with other connections still counted gets those
 * checked (`settlePresence`): one whose record is gone was closed by a close that stopped
 * before its count.
 */
export async function openConnection(deps: Deps, input: OpenConnectionInput): Promise<ConnectionRecord> {
  const record = await putConnection(deps, input);
  const { others } = await registerConnection(deps, input.userId, input.connectionId);
  if (others.length > 0) {
    // A repair, not the connection: it never fails the handshake.
    try {
      await settlePresence(deps, input.userId, { except: input.connectionId });
    } catch (error) {
      count('InternalErrors');
      logger.warn('Presence counts not settled', { userId: input.userId, error: error as Error });
    }
  }
  const { connectionId, userId: user, device } = input;
  const ts = deps.now();
  await emitEvents(deps, [
    newBusEvent(deps, 'connection.opened', { connectionId, user, ...(device ? { device } : {}), ts }),
    // The user's first live connection: online (a status chosen later is its own change).
    ...(others.length === 0 ? [newBusEvent(deps, 'presence.changed', { user, status: 'online', ts })] : []),
  ]);
  return record;
}

export interface CloseConnectionOptions {
  /**
   * When the user was last seen on this connection, for the `offline` announcement.
   * `$disconnect` knows it is now; the sweeper finds a connection already gone.
   * @default the record's lastSeenAt
   */
  readonly lastSeen?: number;
  /** Why it closed, for `connection.closed`: `disconnect`, or the sweeper's `stale` or `expired`. */
  readonly reason?: CloseReason;
}

/**
 * Removes a connection and everything hanging off it (its subscriptions), then tells its rooms
 * what its removal decided (`left` where it was the user's last subscription, and `presence`
 * `offline` when it was the user's last connection). Called on `$disconnect` and by the
 * sweeper, since `$disconnect` is best-effort. Delivery removes the connections it finds gone
 * (410) with the same store operation and reports them; their departures go through the
 * deliveries queue (departures.ts). The delete returns the record to one caller only and the
 * counts move once per connection, so a connection closed by several callers at once, or
 * several connections of a user closing at once, are announced once.
 */
export async function closeConnection(
  deps: Deps,
  connectionId: string,
  options: CloseConnectionOptions = {},
): Promise<ConnectionRecord | undefined> {
  const closed = await removeConnection(deps, connectionId);
  if (!closed) return undefined;
  const announced = announceDeparture(deps, {
    ...departureOf(closed),
    lastSeen: options.lastSeen ?? closed.lastSeenAt,
  });
  await emitEvents(deps, closedEvents(deps, closed, options.reason));
  await announced;
  return closed;
}

export interface SettlePresenceOptions {
  /** A connection known to be live (the one opening). */
  readonly except?: string;
}

/**
 * Repairs a user's counts after a crash between a removal and its count: a counted connection
 * whose record is gone is uncounted, and so is a subscription its live connection's record no
 * longer lists; what that changes is announced then, late. One read of the counts and one
 * (consistent) read of each counted connection. A close or leave running at the same moment
 * uncounts the same ids: one of the two sees each transition, and announces it.
 */
export async function settlePresence(
  deps: Deps,
  userId: string,
  options: SettlePresenceOptions = {},
): Promise<void> {
  const live = await getLivePresence(deps, userId);
  if (!live) return;
  const ids = live.connections.filter((id) => id !== options.except);
  const records = await mapWithConcurrency(ids, 8, (id) => getConnection(deps, id, true));
  const roomsOf = (id: string) =>
    [...live.rooms].filter(([, members]) => members.includes(id)).map(([room]) => room);
  for (const [i, id] of ids.entries()) {
    const record = records[i];
    if (!record) {
      const presence = await uncountConnection(deps, userId, id, roomsOf(id));
      if (presence.left.length > 0)
        await announceDeparture(deps, {
          connectionId: id,
          userId,
          rooms: [...presence.left],
          lastSeen: deps.now(),
          offline: presence.offline,
        });
      continue;
    }
    for (const room of roomsOf(id).filter((r) => !record.rooms.includes(r))) {
      const last = await uncountSubscription(deps, userId, room, id);
      if (last)
        await announceToRooms(deps, [room], () => [
          { type: 'event', event: 'left', room, user: userId, ts: deps.now() },
        ]);
    }
  }
}

/** When this container last wrote each connection's last-seen time. */
const lastWritten = new Map<string, number>();

/**
 * A heartbeat moves last-seen on. A container writes it at most once per
 * LAST_SEEN_WRITE_INTERVAL_MS for a connection: clients ping often and the sweeper only needs
 * minute precision, so most pings cost no write at all. False when the record is gone.
 */
export async function refreshConnection(deps: Deps, connectionId: string): Promise<boolean> {
  const now = deps.now();
  const interval = deps.config.LAST_SEEN_WRITE_INTERVAL_MS;
  const written = lastWritten.get(connectionId);
  if (written !== undefined && now - written < interval) return true;
  if (lastWritten.size > 50_000) {
    for (const [id, at] of lastWritten) if (now - at >= interval) lastWritten.delete(id);
  }
  const exists = await touchConnection(deps, connectionId);
  if (exists) lastWritten.set(connectionId, now);
  else lastWritten.delete(connectionId);
  return exists;
}

/**
 * After a delivery to these users met 410s that removed nothing: a connection still in
 * `$connect` (deliver.ts, `pruneConnection`), or an id a crashed close left counted, whose
 * record is gone, so no removal can find it and every message to the user would post to it
 * again. Their counts are checked (`settlePresence`), which uncounts the second kind and
 * announces its departure, late. Rare, so the repair's reads cost nothing in the common case; a
 * repair, so it never fails the delivery.
 */
export async function settleAfterUnremovedGone(
  deps: Deps,
  report: { readonly gone: number; readonly removed: readonly unknown[] },
  userIds: readonly string[],
): Promise<void> {
  if (report.gone <= report.removed.length) return;
  await mapWithConcurrency([...new Set(userIds)], 8, async (userId) => {
    try {
      await settlePresence(deps, userId);
    } catch (error) {
      count('InternalErrors');
      logger.warn('Presence counts not settled after a delivery', { userId, error: error as Error });
    }
  });
}
