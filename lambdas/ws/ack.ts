import { ackFrame } from '../../protocol/client-frames.ts';
import type { AckResult } from '../../protocol/results.ts';
import { ackMessages } from '../core/services/direct-messages.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Confirms delivery: the named messages leave the caller's inbox. */
export const handler = wsRoute(ackFrame, async (frame, caller, deps) => ({
  result: { acked: await ackMessages(deps, { userId: caller.userId, ids: frame.ids }) } satisfies AckResult,
}));
