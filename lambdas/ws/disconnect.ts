import { getDeps } from '../core/clients.ts';
import { closeConnection } from '../core/services/connection-lifecycle.ts';
import type { WebSocketEvent, WebSocketResult } from '../core/ws-event.ts';

/** `$disconnect` (best-effort on AWS: delivery and the record's TTL cover the ones that never come). */
export const handler = async (event: WebSocketEvent): Promise<WebSocketResult> => {
  await closeConnection(getDeps(), event.requestContext.connectionId);
  return { statusCode: 200 };
};
