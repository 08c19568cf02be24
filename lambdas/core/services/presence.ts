import type { PresenceEvent } from '../../../protocol/events.ts';
import { replyPageBytes, whoPageSize } from '../../../protocol/limits.ts';
import type { OnlineUser } from '../../../protocol/results.ts';
import { mapWithConcurrency } from '../delivery/concurrency.ts';
import type { Deps } from '../deps.ts';
import { emitEvents, newBusEvent } from '../events/emit.ts';
import { getConnection, listUserConnections } from '../store/connections.ts';
import { decodeCursor, encodeCursor } from '../store/paging.ts';
import { getPresences, type PresenceStatus, putPresence } from '../store/presence.ts';
import { listSubscribers } from '../store/subscriptions.ts';
import type { Caller } from '../ws-event.ts';
import { requireOnlineListReader } from './access-policy.ts';
import { announceToRooms } from './departures.ts';

/** Connection records read at once. */
const roomConcurrency = 8;

/**
 * Records the status a user chose and announces it to every room any of the user's
 * connections is subscribed to. The rooms come from the connection records (one Query of the
 * user's connections and a read of each, a handful for a person's devices), not from the
 * memberships: a member with no live subscription has nobody there to tell.
 */
export async function setStatus(
  deps: Deps,
  caller: Caller,
  status: PresenceStatus,
): Promise<{ status: PresenceStatus }> {
  const { updatedAt: ts } = await putPresence(deps, caller.userId, status);
  const emitted = emitEvents(deps, [
    newBusEvent(deps, 'presence.changed', { user: caller.userId, status, ts }),
  ]);
  const rooms = await roomsOf(deps, await listUserConnections(deps, caller.userId));
  const event = (room: string): PresenceEvent => ({
    type: 'event',
    event: 'presence',
    room,
    user: caller.userId,
    status,
    ts,
  });
  // The caller learns the outcome from its reply; the user's other devices see the event.
  await announceToRooms(deps, [...rooms], (room) => [event(room)], {
    exceptConnectionId: caller.connectionId,
  });
  await emitted;
  return { status };
}

/**
 * A page of a room's online users, in user id order: the distinct users among its live
 * subscribers, with the status each chose ('online' when they never chose one). Anyone may ask
 * about a public room; a private room answers only its members (and admins). A page holds at
 * most 500 users and stops before about 120 KB, so the reply stays under API Gateway's 128 KB;
 * `next`, present when more follow, is the `cursor` of the next page (it names the last user
 * listed, so a user who comes or goes between pages shifts nothing).
 */
export async function listOnlineUsers(
  deps: Deps,
  caller: Caller,
  roomId: string,
  cursor?: string,
): Promise<{ users: OnlineUser[]; next?: string }> {
  const after = decodeCursor(cursor, ['after'])?.after;
  await requireOnlineListReader(deps, roomId, caller);
  const subscribers = await listSubscribers(deps, roomId);
  const remaining = [...new Set(subscribers.map((s) => s.userId))]
    .filter((user) => after === undefined || user > after)
    .sort();
  const page: string[] = [];
  // Each entry as JSON: {"user":…,"status":"online"}, and a comma.
  let bytes = 0;
  for (const user of remaining.slice(0, whoPageSize)) {
    bytes += Buffer.byteLength(JSON.stringify(user)) + 30;
    if (bytes > replyPageBytes && page.length > 0) break;
    page.push(user);
  }
  const chosen = await getPresences(deps, page);
  const users = page.map((user) => ({ user, status: chosen.get(user)?.status ?? 'online' }));
  const last = page.at(-1);
  return remaining.length > page.length && last !== undefined
    ? { users, next: encodeCursor({ after: last }) as string }
    : { users };
}

/** The rooms the given connections are subscribed to. */
async function roomsOf(deps: Deps, connectionIds: readonly string[]): Promise<Set<string>> {
  const records = await mapWithConcurrency(connectionIds, roomConcurrency, (id) => getConnection(deps, id));
  return new Set(records.flatMap((r) => r?.rooms ?? []));
}
