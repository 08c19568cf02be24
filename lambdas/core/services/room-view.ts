import type { Room } from '../store/rooms.ts';

/** A room as the HTTP API shows it. */
export interface RoomView {
  readonly id: string;
  readonly name: string;
  readonly type: Room['type'];
  readonly owner: string;
  readonly maxMembers: number;
  readonly memberCount: number;
  readonly epoch: number;
  readonly createdAt: number;
}

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
