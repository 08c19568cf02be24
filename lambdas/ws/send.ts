import { sendFrame } from '../../protocol/client-frames.ts';
import type { SendResult } from '../../protocol/results.ts';
import { sendDirectMessage } from '../core/services/direct-messages.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Direct message to every connection of `to`, kept in `to`'s inbox until acknowledged. */
export const handler = wsRoute(sendFrame, async (frame, caller, deps) => ({
  result: (await sendDirectMessage(deps, {
    from: caller.userId,
    to: frame.to,
    data: frame.data,
    id: frame.id,
    files: frame.files,
  })) satisfies SendResult,
}));
