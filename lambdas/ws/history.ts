import { historyFrame } from '../../protocol/client-frames.ts';
import type { HistoryPage } from '../../protocol/results.ts';
import { readRoomHistory } from '../core/services/room-history.ts';
import { wsRoute } from '../core/ws-route.ts';

/** A page of a room's history, newest first, with the `before` of the next page. */
export const handler = wsRoute(historyFrame, async (frame, caller, deps) => ({
  result: (await readRoomHistory(deps, {
    caller,
    roomId: frame.room,
    before: frame.before,
    limit: frame.limit,
    replyTo: frame.replyTo,
  })) satisfies HistoryPage,
}));
