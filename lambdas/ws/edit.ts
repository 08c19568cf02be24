import { editFrame } from '../../protocol/client-frames.ts';
import { editRoomMessage } from '../core/services/room-lifecycle.ts';
import { wsRoute } from '../core/ws-route.ts';

/** The author replaces a room message's data: a room entry of its own with the next seq. */
export const handler = wsRoute(editFrame, async (frame, caller, deps) => ({
  result: await editRoomMessage(deps, {
    caller,
    roomId: frame.room,
    seq: frame.seq,
    data: frame.data,
    id: frame.id,
  }),
}));
