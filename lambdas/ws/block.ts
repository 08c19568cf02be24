import { blockFrame } from '../../protocol/client-frames.ts';
import type { BlockResult } from '../../protocol/results.ts';
import { blockUser } from '../core/services/blocks.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Stops direct messages from `user` to the caller; replies how many users the caller blocks. */
export const handler = wsRoute(blockFrame, async (frame, caller, deps) => ({
  result: (await blockUser(deps, { caller: caller.userId, user: frame.user })) satisfies BlockResult,
}));
