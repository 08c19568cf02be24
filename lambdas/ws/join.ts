import { joinFrame } from '../../protocol/client-frames.ts';
import type { JoinResult } from '../../protocol/results.ts';
import { joinRoom } from '../core/services/rooms.ts';
import { wsRoute } from '../core/ws-route.ts';

/**
 * Subscribes this connection to a room (creating a missing room, joining a public one as a
 * member); with `since`, the missed messages are pushed before the reply.
 */
export const handler = wsRoute(joinFrame, async (frame, caller, deps) => ({
  result: (await joinRoom(deps, {
    caller,
    roomId: frame.room,
    since: frame.since,
    epoch: frame.epoch,
  })) satisfies JoinResult,
}));
