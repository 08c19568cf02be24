import { getDeps } from '../core/clients.ts';
import { count, flushingMetrics, observe } from '../core/metrics.ts';
import { openConnection } from '../core/services/connection-lifecycle.ts';
import { reportUnexpected } from '../core/unexpected.ts';
import { callerOf, type WebSocketEvent, type WebSocketResult } from '../core/ws-event.ts';

/** `$connect`: the authorizer has admitted the caller; record the connection. */
export const handler = flushingMetrics(async (event: WebSocketEvent): Promise<WebSocketResult> => {
  const started = Date.now();
  const { requestContext: rc } = event;
  const caller = callerOf(event);
  const device = String(rc.authorizer?.device ?? '') || undefined;
  try {
    await openConnection(getDeps(), {
      connectionId: caller.connectionId,
      userId: caller.userId,
      roles: caller.roles,
      device,
      connectedAt: rc.connectedAt,
      sourceIp: rc.identity.sourceIp,
      userAgent: rc.identity.userAgent,
      credentialExpiresAt: caller.credentialExpiresAt,
    });
  } catch (error) {
    // Thrown on: API Gateway refuses the handshake, and the client connects again.
    reportUnexpected('Connect failed', rc.requestId, error);
    throw error;
  }
  count('ConnectionsOpened');
  observe('ConnectLatency', Date.now() - started);
  return { statusCode: 200 };
});
