import { syncFrame } from '../../protocol/client-frames.ts';
import type { SyncResult } from '../../protocol/results.ts';
import { syncInbox } from '../core/services/direct-messages.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Pushes the caller's inbox to this connection, oldest first; the reply follows the messages. */
export const handler = wsRoute(syncFrame, async (frame, caller, deps) => ({
  result: (await syncInbox(deps, {
    userId: caller.userId,
    connectionId: caller.connectionId,
    limit: frame.limit,
  })) satisfies SyncResult,
}));
