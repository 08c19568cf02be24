import type { RawData } from 'ws';
import type { GatewayConnection } from './connection-registry.ts';
import type { GatewayContext } from './context.ts';
import { closeConnection } from './disconnect.ts';
import { messageEvent } from './events.ts';
import { newEventId } from './ids.ts';
import type { InvocationOutcome } from './invoker.ts';
import { closeCauses } from './limits.ts';
import { forbiddenFrame, internalErrorFrame, responseBodyOf, sendText, timedOutFrame } from './outbound.ts';

/**
 * Routes one client message to its integration. Integrations run concurrently, as on AWS: a
 * slow one does not hold back the connection's next message.
 */
export function handleMessage(
  ctx: GatewayContext,
  connection: GatewayConnection,
  data: RawData,
  isBinary: boolean,
): void {
  if (connection.state !== 'open') return;
  if (isBinary) {
    closeConnection(connection, closeCauses.binary);
    return;
  }
  const now = Date.now();
  connection.lastActiveAt = now;
  const body = data.toString();
  const selected = ctx.selectRoute(body);
  // `$connect` and `$disconnect` are never message routes, whatever a client puts in its body.
  const routeKey =
    selected !== undefined &&
    selected !== '$connect' &&
    selected !== '$disconnect' &&
    ctx.routes.has(selected)
      ? selected
      : '$default';
  const requestId = newEventId();
  const integration = ctx.routes.get(routeKey);
  if (!integration) {
    sendText(connection, forbiddenFrame(connection.id, requestId), ctx.limits.frameBytes);
    ctx.log?.(`MESSAGE ${connection.id} ${selected ?? '(not JSON)'} no route: Forbidden`);
    return;
  }
  ctx.stats.increment('messages');
  const event = messageEvent(ctx.api, connection, routeKey, body, requestId, newEventId(), now);
  void ctx.invoker
    .invoke(integration, event)
    .then((outcome) => answer(ctx, connection, routeKey, requestId, outcome, now));
}

function answer(
  ctx: GatewayContext,
  connection: GatewayConnection,
  routeKey: string,
  requestId: string,
  outcome: InvocationOutcome,
  started: number,
): void {
  const { frameBytes } = ctx.limits;
  if (outcome.kind === 'returned') {
    if (ctx.twoWayRoutes.has(routeKey)) {
      const body = responseBodyOf(outcome.value);
      const bytes = body === undefined ? 0 : Buffer.byteLength(body);
      if (bytes > ctx.limits.responseBytes) {
        // API Gateway does not deliver a route response over 128 KB; the client sees nothing.
        (ctx.log ?? console.warn)(
          `ROUTE RESPONSE NOT DELIVERED ${connection.id} ${routeKey}: ${bytes} bytes, over the ${ctx.limits.responseBytes}-byte limit`,
        );
      } else if (body !== undefined) sendText(connection, body, frameBytes);
    }
  } else if (outcome.kind === 'threw') {
    sendText(connection, internalErrorFrame(connection.id, requestId), frameBytes);
  } else {
    sendText(connection, timedOutFrame(connection.id, requestId), frameBytes);
  }
  if (ctx.log) {
    const detail = outcome.kind === 'threw' ? `failed: ${String(outcome.error)}` : outcome.kind;
    ctx.log(`MESSAGE ${connection.id} ${routeKey} ${detail} ${Date.now() - started}ms`);
  }
}
