import type { TableDeps } from '../deps.ts';
import { forbidden, notFound } from '../errors.ts';
import { getMember } from '../store/members.ts';
import { getRoom, type Room } from '../store/rooms.ts';
import { isSubscribed, type Subscriber } from '../store/subscriptions.ts';
import type { Caller } from '../ws-event.ts';

/**
 * Who may do what, for the WebSocket actions and the HTTP routes: every access rule of the
 * product, each a named function that returns or throws FORBIDDEN (NOT_FOUND for a room that
 * does not exist) with the message the protocol shows.
 *
 * | rule | who passes | used by |
 * |---|---|---|
 * | {@link requireAdmin} | admins | HTTP admin routes (list online users) |
 * | {@link requireRoomManager} | the owner, admins | HTTP room settings, deletion, adding members |
 * | {@link requireMembershipRemover} | the owner, admins, and the member themselves | HTTP removing a member |
 * | {@link requireReader} | anyone in a public room; members, the owner, admins in a private one | `join`, `history` |
 * | {@link requireParticipant} | members, the owner, admins, and subscribers of a public room | `publish`, `read` |
 * | {@link requireTypist} | the connection subscribed to the room | `typing` |
 * | {@link requireOnlineListReader} | as `requireReader` (its own messages) | `who` |
 * | {@link requireMember} | members and admins; with `publicRoomsOpen` every user of a public room | HTTP room views |
 *
 * The owner keeps their room after `leave {member: false}` ended their membership, so the
 * rules that let the owner in ask no membership of them (and need no read).
 */

/** A caller over either API: a WebSocket `Caller` or an HTTP `Identity`. */
export interface Principal {
  readonly userId: string;
  readonly roles: readonly string[];
}

export const isAdmin = (who: Principal): boolean => who.roles.includes('admin');

export const isOwnerOrAdmin = (room: Room, who: Principal): boolean =>
  room.owner === who.userId || isAdmin(who);

const isMember = async (deps: TableDeps, room: Room, who: Principal): Promise<boolean> =>
  (await getMember(deps, room.roomId, who.userId)) !== undefined;

const privateRoom = (room: Room) => forbidden(`Room "${room.roomId}" is private and you are not a member`);

/** The room's current life, or NOT_FOUND. */
export async function requireRoom(deps: TableDeps, roomId: string): Promise<Room> {
  const room = await getRoom(deps, roomId);
  if (!room) throw notFound(`Room "${roomId}" does not exist`);
  return room;
}

export function requireAdmin(who: Principal): void {
  if (!isAdmin(who)) throw forbidden('This operation needs the admin role');
}

/** Settings, deletion and membership of others (HTTP). */
export function requireRoomManager(room: Room, who: Principal): void {
  if (isOwnerOrAdmin(room, who)) return;
  throw forbidden(`Only the owner of room "${room.roomId}" or an admin may do this`);
}

/** Ending a membership: a manager of the room, or the member themselves. */
export function requireMembershipRemover(room: Room, who: Principal, userId: string): void {
  if (who.userId !== userId) requireRoomManager(room, who);
}

/**
 * Entering (`join`) and reading history: public rooms are open to every user; a private room to
 * its members, its owner and admins (who enter without becoming members).
 */
export async function requireReader(deps: TableDeps, room: Room, who: Principal): Promise<void> {
  if (room.type === 'public' || isOwnerOrAdmin(room, who)) return;
  if (await isMember(deps, room, who)) return;
  throw privateRoom(room);
}

/**
 * Publish and read receipts: members, admins, and in a public room also a connection that is
 * subscribed (a subscriber whose membership was ended over HTTP keeps its live view of a
 * public room until it leaves, so it may keep talking there).
 */
export async function requireParticipant(
  deps: TableDeps,
  room: Room,
  caller: Caller,
  subscribers?: readonly Subscriber[],
): Promise<void> {
  if (isOwnerOrAdmin(room, caller)) return;
  // Given the subscriber list the caller read anyway, a subscriber of a public room needs no read.
  const listed = subscribers && subscribedIn(subscribers, caller);
  if (room.type === 'public' && listed) return;
  if (await isMember(deps, room, caller)) return;
  if (
    room.type === 'public' &&
    listed === undefined &&
    (await isSubscribed(deps, room.roomId, caller.connectionId))
  )
    return;
  throw room.type === 'private' ? privateRoom(room) : forbidden(`Join room "${room.roomId}" first`);
}

/**
 * Typing: only a subscribed connection may type. It is the only one that can see the replies it
 * types into, and refusing rather than dropping shows a client bug at once.
 */
export async function requireTypist(
  deps: TableDeps,
  room: Room,
  caller: Caller,
  subscribers?: readonly Subscriber[],
): Promise<void> {
  if (
    subscribers
      ? subscribedIn(subscribers, caller)
      : await isSubscribed(deps, room.roomId, caller.connectionId)
  )
    return;
  throw forbidden(`Join room "${room.roomId}" before typing in it`);
}

/**
 * Whether the caller's connection is in a subscriber list just read (the Query filters out
 * expired subscriptions, as `isSubscribed` does).
 */
const subscribedIn = (subscribers: readonly Subscriber[], caller: Caller): boolean =>
  subscribers.some((s) => s.connectionId === caller.connectionId);

/** `who`: anyone may ask about a public room; a private room answers its members (and admins). */
export async function requireOnlineListReader(
  deps: TableDeps,
  roomId: string,
  who: Principal,
): Promise<Room> {
  const room = await getRoom(deps, roomId);
  if (!room) throw notFound(`Room ${roomId} does not exist`);
  if (room.type === 'private' && !isOwnerOrAdmin(room, who) && !(await isMember(deps, room, who))) {
    throw forbidden(`Room ${roomId} is private`);
  }
  return room;
}

/**
 * The HTTP API's room views. Member and online lists are for members only, as the protocol
 * says, even in a public room; settings and history of a public room (`publicRoomsOpen`) are
 * open to every user.
 */
export async function requireMember(
  deps: TableDeps,
  room: Room,
  who: Principal,
  options: { publicRoomsOpen: boolean },
): Promise<void> {
  if (isAdmin(who) || (options.publicRoomsOpen && room.type === 'public')) return;
  if (await isMember(deps, room, who)) return;
  throw forbidden(`You are not a member of room "${room.roomId}"`);
}
