import { publishFrame } from '../../protocol/client-frames.ts';
import type { PublishResult } from '../../protocol/results.ts';
import { publishToRoom } from '../core/services/room-publish.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Stores a message in the room's history with the next seq and delivers it to every subscriber. */
export const handler = wsRoute(publishFrame, async (frame, caller, deps) => ({
  result: (await publishToRoom(deps, {
    caller,
    roomId: frame.room,
    data: frame.data,
    id: frame.id,
    files: frame.files,
    replyTo: frame.replyTo,
  })) satisfies PublishResult,
}));
