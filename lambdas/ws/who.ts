import { whoFrame } from '../../protocol/client-frames.ts';
import type { WhoResult } from '../../protocol/results.ts';
import { listOnlineUsers } from '../core/services/presence.ts';
import { wsRoute } from '../core/ws-route.ts';

/** `who`: the room's online users with the status each chose. */
export const handler = wsRoute(whoFrame, async (frame, caller, deps) => ({
  result: (await listOnlineUsers(deps, caller, frame.room)) satisfies WhoResult,
}));
