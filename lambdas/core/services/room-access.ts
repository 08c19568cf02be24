import type { Deps } from '../deps.ts';
import { forbidden, notFound } from '../errors.ts';
import { getMember } from '../store/members.ts';
import { getRoom, type Room } from '../store/rooms.ts';
import { isSubscribed } from '../store/subscriptions.ts';
import type { Caller } from '../ws-event.ts';

/**
 * Who may do what in a room, for the WebSocket room actions:
 *
 * - reading history: anyone in a public room; members in a private one;
 * - publishing and read receipts: members, and in a public room also a connection that
 *   is subscribed (a subscriber whose membership was ended over HTTP keeps its live view of a
 *   public room until it leaves, so it may keep talking there);
 * - typing: only a subscribed connection (see room-events.ts).
 *
 * The owner and admins may always do the first two.
 */
export const isAdmin = (caller: Caller): boolean => caller.roles.includes('admin');

/**
 * Admins, and the owner: the owner keeps their room after `leave {member: false}` ended their
 * membership, and this needs no read.
 */
export const isOwnerOrAdmin = (room: Room, caller: Caller): boolean =>
  room.owner === caller.userId || isAdmin(caller);

/** The room's current life, or NOT_FOUND. */
export async function requireRoom(deps: Deps, roomId: string): Promise<Room> {
  const room = await getRoom(deps, roomId);
  if (!room) throw notFound(`Room "${roomId}" does not exist`);
  return room;
}

/** History: public rooms are open to every user; private rooms to members and admins. */
export async function requireReader(deps: Deps, room: Room, caller: Caller): Promise<void> {
  if (room.type === 'public' || isOwnerOrAdmin(room, caller)) return;
  if (await getMember(deps, room.roomId, caller.userId)) return;
  throw forbidden(`Room "${room.roomId}" is private and you are not a member`);
}

/** Publish and read receipts: members, admins, and subscribers of a public room. */
export async function requireParticipant(deps: Deps, room: Room, caller: Caller): Promise<void> {
  if (isOwnerOrAdmin(room, caller)) return;
  if (await getMember(deps, room.roomId, caller.userId)) return;
  if (room.type === 'public' && (await isSubscribed(deps, room.roomId, caller.connectionId))) return;
  throw forbidden(
    room.type === 'private'
      ? `Room "${room.roomId}" is private and you are not a member`
      : `Join room "${room.roomId}" first`,
  );
}
