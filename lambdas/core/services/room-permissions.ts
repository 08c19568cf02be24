import type { RoomView } from '../../../protocol/http-responses.ts';
import type { Identity } from '../auth/jwt.ts';
import type { Deps } from '../clients.ts';
import { forbidden, notFound } from '../errors.ts';
import { getMember } from '../store/members.ts';
import { getRoom, type Room } from '../store/rooms.ts';

/**
 * Who may do what to a room over the HTTP API (PROTOCOL.md, "HTTP API"). Admins may do
 * everything. Settings and history of a public room are open to every user; member and online
 * lists only to members, as the protocol says, even in a public room.
 */
export const isAdmin = (caller: Identity): boolean => caller.roles.includes('admin');

export type { RoomView };

export const toRoomView = (room: Room): RoomView => ({
  id: room.roomId,
  name: room.name,
  type: room.type,
  owner: room.owner,
  maxMembers: room.maxMembers,
  memberCount: room.memberCount,
  epoch: room.epoch,
  createdAt: room.createdAt,
});

/** The room's current life, or NOT_FOUND. */
export async function loadRoom(deps: Deps, roomId: string): Promise<Room> {
  const room = await getRoom(deps, roomId);
  if (!room) throw notFound(`Room "${roomId}" does not exist`);
  return room;
}

export function requireOwnerOrAdmin(room: Room, caller: Identity): void {
  if (caller.userId === room.owner || isAdmin(caller)) return;
  throw forbidden(`Only the owner of room "${room.roomId}" or an admin may do this`);
}

/** Members and admins; with `publicRoomsOpen`, every user of a public room as well. */
export async function requireMember(
  deps: Deps,
  room: Room,
  caller: Identity,
  options: { publicRoomsOpen: boolean },
): Promise<void> {
  if (isAdmin(caller) || (options.publicRoomsOpen && room.type === 'public')) return;
  if (await getMember(deps, room.roomId, caller.userId)) return;
  throw forbidden(`You are not a member of room "${room.roomId}"`);
}
