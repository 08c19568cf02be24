import type { HistoryQuery, PageQuery } from '../../../protocol/http-requests.ts';
import type { RoomOnlineUser, UnreadRooms } from '../../../protocol/http-responses.ts';
import type { HistoryPage } from '../../../protocol/results.ts';
import type { Identity } from '../auth/jwt.ts';
import { mapWithConcurrency } from '../delivery/concurrency.ts';
import type { Deps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { keys } from '../store/keys.ts';
import { listMembers, listUserRoomIds } from '../store/members.ts';
import { decodeCursor, encodeCursor, type Page, tableKeyNames } from '../store/paging.ts';
import { getPresences } from '../store/presence.ts';
import { getReadCursor } from '../store/read-cursors.ts';
import { latestSeq, listRoomMessages } from '../store/room-messages.ts';
import { getRoom } from '../store/rooms.ts';
import { listSubscribers } from '../store/subscriptions.ts';
import { requireMember, requireRoom } from './access-policy.ts';
import type { MemberView } from './room-admin.ts';
import { listThreadReplies } from './room-threads.ts';
import { type RoomView, toRoomView } from './room-view.ts';

/** Read-only views of rooms for the HTTP API; each checks who is asking first. */

export async function describeRoom(deps: Deps, caller: Identity, roomId: string): Promise<RoomView> {
  const room = await requireRoom(deps, roomId);
  await requireMember(deps, room, caller, { publicRoomsOpen: true });
  return toRoomView(room);
}

/**
 * A page of members in user id order. One item more than asked is read, so the cursor is null
 * exactly when nothing follows (DynamoDB's own cursor can point at an empty last page).
 */
export async function listRoomMembers(
  deps: Deps,
  caller: Identity,
  roomId: string,
  query: PageQuery,
): Promise<Page<Omit<MemberView, 'room'>>> {
  const room = await requireRoom(deps, roomId);
  await requireMember(deps, room, caller, { publicRoomsOpen: false });
  const start = decodeCursor(query.cursor, tableKeyNames);
  // A key of another partition would reach DynamoDB and fail there as an internal error.
  if (start && (start.pk !== keys.roomPartition(roomId) || !start.sk.startsWith(keys.memberSortPrefix))) {
    throw badRequest('cursor is not valid: it belongs to another list');
  }
  const page = await listMembers(deps, roomId, { limit: query.limit + 1, cursor: query.cursor });
  const items = page.items.slice(0, query.limit);
  const last = items.at(-1);
  // Below limit + 1 items, DynamoDB gives a cursor only when it stopped at 1 MB.
  const more = page.items.length > query.limit || page.cursor !== null;
  const cursor = last ? encodeCursor(keys.member(roomId, last.userId)) : page.cursor;
  return {
    items: items.map((m) => ({ user: m.userId, role: m.role, joinedAt: m.joinedAt })),
    cursor: more ? cursor : null,
  };
}

/**
 * A page of the room's online users: the distinct users among its live subscribers, in user id
 * order, with the status they chose ('online' when they never chose one). Subscriptions are
 * keyed by connection, so a page reads them all (paged Queries of one partition, a few reads even
 * for thousands of subscribers) and the cursor names the last user returned: a user with several
 * connections appears once, whatever the page size.
 */
export async function listRoomOnline(
  deps: Deps,
  caller: Identity,
  roomId: string,
  query: PageQuery,
): Promise<Page<RoomOnlineUser>> {
  const room = await requireRoom(deps, roomId);
  await requireMember(deps, room, caller, { publicRoomsOpen: false });
  const after = afterUserOf(query.cursor);
  const connections = new Map<string, number>();
  for (const { userId } of await listSubscribers(deps, roomId)) {
    if (after === undefined || userId > after) connections.set(userId, (connections.get(userId) ?? 0) + 1);
  }
  const users = [...connections.keys()].sort();
  const page = users.slice(0, query.limit);
  const presences = await getPresences(deps, page);
  return {
    items: page.map((user) => ({
      user,
      status: presences.get(user)?.status ?? 'online',
      connections: connections.get(user) ?? 0,
    })),
    cursor: users.length > query.limit ? encodeCursor({ after: page.at(-1) }) : null,
  };
}

const afterUserOf = (cursor: string | undefined): string | undefined =>
  decodeCursor(cursor, ['after'])?.after;

/** A page of this life of the room, newest first; `next` is the `before` of the next page. */
export async function listRoomHistory(
  deps: Deps,
  caller: Identity,
  roomId: string,
  query: HistoryQuery,
): Promise<HistoryPage> {
  const room = await requireRoom(deps, roomId);
  await requireMember(deps, room, caller, { publicRoomsOpen: true });
  const page = { roomId, epoch: room.epoch, before: query.before, limit: query.limit };
  const result =
    query.replyTo === undefined
      ? await listRoomMessages(deps, { ...page, ordinaryOnly: true })
      : await listThreadReplies(deps, { ...page, parent: query.replyTo });
  const { messages } = result;
  const next = result.more ? ((result as { next?: number }).next ?? messages.at(-1)?.seq) : undefined;
  return { messages, next: next ?? null };
}

/**
 * Unread counts in every room the caller is a member of, in room id order. Three reads per
 * room; rooms deleted while a membership item survived a race are skipped.
 */
export async function listUnreadCounts(deps: Deps, caller: Identity): Promise<UnreadRooms> {
  const roomIds = await listUserRoomIds(deps, caller.userId);
  const counts = await mapWithConcurrency(roomIds, 8, async (roomId) => {
    const room = await getRoom(deps, roomId);
    if (!room) return undefined;
    const [seq, upTo] = await Promise.all([
      latestSeq(deps, roomId, room.epoch),
      getReadCursor(deps, roomId, caller.userId, room.epoch),
    ]);
    return { room: roomId, unread: Math.max(0, seq - upTo), seq, upTo };
  });
  return { rooms: counts.filter((c) => c !== undefined) };
}
