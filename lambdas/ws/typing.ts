import { typingFrame } from '../../protocol/client-frames.ts';
import { relayTyping } from '../core/services/room-events.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Ephemeral typing indicator to the room's other subscribers; the reply (with `ref`) is `{}`. */
export const handler = wsRoute(typingFrame, async (frame, caller, deps) => {
  await relayTyping(deps, { caller, roomId: frame.room, state: frame.state });
  return {};
});
