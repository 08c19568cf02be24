import { DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { pingFrame } from '../../protocol/client-frames.ts';
import type { PingResult } from '../../protocol/results.ts';
import type { PongFrame } from '../../protocol/server-frames.ts';
import { classify } from '../core/delivery/post.ts';
import { logger } from '../core/logger.ts';
import { count } from '../core/metrics.ts';
import { refreshConnection } from '../core/services/connection-lifecycle.ts';
import { wsRoute } from '../core/ws-route.ts';

/**
 * Heartbeat: refreshes last-seen; answers `pong` (or a reply when the frame has a ref). A
 * heartbeat from a connection whose records are gone (a delivery or the sweeper removed them
 * while the socket stayed open) is closed, so the client connects again and is found by
 * deliveries once more, rather than staying open and unreachable until API Gateway's 2 hours.
 */
export const handler = wsRoute(pingFrame, async (_frame, caller, deps) => {
  if (!(await refreshConnection(deps, caller.connectionId))) {
    try {
      await deps.management.send(new DeleteConnectionCommand({ ConnectionId: caller.connectionId }));
      count('UnregisteredConnectionsClosed');
      logger.warn('Closed a connection whose records are gone', { connectionId: caller.connectionId });
    } catch (error) {
      // Gone already: a late heartbeat of a socket that closed.
      if (classify(error) !== 'gone') throw error;
    }
  }
  const ts = deps.now();
  return { result: { ts } satisfies PingResult, unsolicited: { type: 'pong', ts } satisfies PongFrame };
});
