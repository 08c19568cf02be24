import { pingFrame } from '../core/frames.ts';
import { refreshConnection } from '../core/services/connection-lifecycle.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Heartbeat: refreshes last-seen; answers `pong` (or a reply when the frame has a ref). */
export const handler = wsRoute(pingFrame, async (_frame, caller, deps) => {
  await refreshConnection(deps, caller.connectionId);
  const ts = deps.now();
  return { result: { ts }, unsolicited: { type: 'pong', ts } };
});
