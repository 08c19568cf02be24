import type { RoomView } from '../../../protocol/http-responses.ts';
import type { Room } from '../store/rooms.ts';

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
