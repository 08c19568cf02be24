import { statusFrame } from '../../protocol/client-frames.ts';
import type { StatusResult } from '../../protocol/results.ts';
import { setStatus } from '../core/services/presence.ts';
import { wsRoute } from '../core/ws-route.ts';

/** `status`: records the user's chosen presence and announces it to the user's rooms. */
export const handler = wsRoute(statusFrame, async (frame, caller, deps) => ({
  result: (await setStatus(deps, caller, frame.status)) satisfies StatusResult,
}));
