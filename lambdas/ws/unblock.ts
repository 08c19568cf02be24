import { unblockFrame } from '../../protocol/client-frames.ts';
import type { BlockResult } from '../../protocol/results.ts';
import { unblockUser } from '../core/services/blocks.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Resumes direct messages from `user`; replies how many users the caller still blocks. */
export const handler = wsRoute(unblockFrame, async (frame, caller, deps) => ({
  result: (await unblockUser(deps, { caller: caller.userId, user: frame.user })) satisfies BlockResult,
}));
