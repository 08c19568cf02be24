import { getDeps } from '../core/clients.ts';
import { count, flushingMetrics } from '../core/metrics.ts';
import { closeConnection } from '../core/services/connection-lifecycle.ts';
import { reportUnexpected } from '../core/unexpected.ts';
import type { WebSocketEvent, WebSocketResult } from '../core/ws-event.ts';

/** `$disconnect` (best-effort on AWS: delivery, the sweeper and the record's TTL cover the ones that never come). */
export const handler = flushingMetrics(async (event: WebSocketEvent): Promise<WebSocketResult> => {
  // The socket is closed whatever follows: the record's removal may fail, not the close.
  count('ConnectionsClosed');
  try {
    // The socket closed just now, so the user was last seen now, not at the last heartbeat write.
    await closeConnection(getDeps(), event.requestContext.connectionId, {
      lastSeen: event.requestContext.requestTimeEpoch,
      reason: 'disconnect',
    });
  } catch (error) {
    // Thrown on (Lambda reports it); the sweeper closes the record later.
    reportUnexpected('Disconnect failed', event.requestContext.requestId, error);
    throw error;
  }
  return { statusCode: 200 };
});
