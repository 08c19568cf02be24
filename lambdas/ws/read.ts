import { readFrame } from '../core/room-frames.ts';
import { markRead } from '../core/services/room-reads.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Read receipt: moves the user's cursor forward and answers with the unread count. */
export const handler = wsRoute(readFrame, async (frame, caller, deps) => ({
  result: await markRead(deps, { caller, roomId: frame.room, upTo: frame.upTo }),
}));
