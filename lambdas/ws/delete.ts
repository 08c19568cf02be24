import { deleteFrame } from '../../protocol/client-frames.ts';
import { deleteRoomMessage } from '../core/services/room-lifecycle.ts';
import { wsRoute } from '../core/ws-route.ts';

/** The author, the room's owner or an admin deletes a room message: a room entry with the next seq. */
export const handler = wsRoute(deleteFrame, async (frame, caller, deps) => ({
  result: await deleteRoomMessage(deps, { caller, roomId: frame.room, seq: frame.seq, id: frame.id }),
}));
