import { reactFrame } from '../../protocol/client-frames.ts';
import { reactToRoomMessage } from '../core/services/room-lifecycle.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Adds or removes the caller's reaction to a room message: a room entry with the next seq. */
export const handler = wsRoute(reactFrame, async (frame, caller, deps) => ({
  result: await reactToRoomMessage(deps, {
    caller,
    roomId: frame.room,
    seq: frame.seq,
    reaction: frame.reaction,
    on: frame.on ?? true,
    id: frame.id,
  }),
}));
