import { readFrame } from '../../protocol/client-frames.ts';
import type { ReadResult } from '../../protocol/results.ts';
import { markRead } from '../core/services/room-reads.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Read receipt: moves the user's cursor forward and answers with the unread count. */
export const handler = wsRoute(readFrame, async (frame, caller, deps) => ({
  result: (await markRead(deps, { caller, roomId: frame.room, upTo: frame.upTo })) satisfies ReadResult,
}));
