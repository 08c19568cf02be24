import { getDeps } from '../core/clients.ts';
import { closeConnection } from '../core/services/connection-lifecycle.ts';
import type { WebSocketEvent, WebSocketResult } from '../core/ws-event.ts';

/** `$disconnect` (best-effort on AWS: delivery, the sweeper and the record's TTL cover the ones that never come). */
export const handler = async (event: WebSocketEvent): Promise<WebSocketResult> => {
  // The socket closed just now, so the user was last seen now, not at the last heartbeat write.
  await closeConnection(getDeps(), event.requestContext.connectionId, {
    lastSeen: event.requestContext.requestTimeEpoch,
  });
  return { statusCode: 200 };
};
