import { leaveFrame } from '../../protocol/client-frames.ts';
import type { LeaveResult } from '../../protocol/results.ts';
import { leaveRoom } from '../core/services/rooms.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Unsubscribes this connection from a room; `member: false` also ends the membership. */
export const handler = wsRoute(leaveFrame, async (frame, caller, deps) => ({
  result: (await leaveRoom(deps, { caller, roomId: frame.room, member: frame.member })) satisfies LeaveResult,
}));
