import { whoFrame } from '../../protocol/client-frames.ts';
import type { WhoResult } from '../../protocol/results.ts';
import { listOnlineUsers } from '../core/services/presence.ts';
import { wsRoute } from '../core/ws-route.ts';

/** `who`: a page of the room's online users with the status each chose; `next` pages on. */
export const handler = wsRoute(whoFrame, async (frame, caller, deps) => ({
  result: (await listOnlineUsers(deps, caller, frame.room, frame.cursor)) satisfies WhoResult,
}));
