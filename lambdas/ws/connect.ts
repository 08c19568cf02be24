import { getDeps } from '../core/clients.ts';
import { openConnection } from '../core/services/connection-lifecycle.ts';
import { callerOf, type WebSocketEvent, type WebSocketResult } from '../core/ws-event.ts';

/** `$connect`: the authorizer has admitted the caller; record the connection. */
export const handler = async (event: WebSocketEvent): Promise<WebSocketResult> => {
  const { requestContext: rc } = event;
  const caller = callerOf(event);
  const device = String(rc.authorizer?.device ?? '') || undefined;
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
  return { statusCode: 200 };
};
