import { pingFrame } from '../../protocol/client-frames.ts';
import type { PingResult } from '../../protocol/results.ts';
import type { PongFrame } from '../../protocol/server-frames.ts';
import { refreshConnection } from '../core/services/connection-lifecycle.ts';
import { wsRoute } from '../core/ws-route.ts';

/** Heartbeat: refreshes last-seen; answers `pong` (or a reply when the frame has a ref). */
export const handler = wsRoute(pingFrame, async (_frame, caller, deps) => {
  await refreshConnection(deps, caller.connectionId);
  const ts = deps.now();
  return { result: { ts } satisfies PingResult, unsolicited: { type: 'pong', ts } satisfies PongFrame };
});
