import type { GatewayConnection } from './connection-registry.ts';
import type { GatewayContext } from './context.ts';
import { disconnectEvent } from './events.ts';
import { dropsDisconnect } from './faults.ts';
import { newEventId } from './ids.ts';
import { type CloseCause, clientCloseCause } from './limits.ts';

/**
 * Closes a connection from the gateway's side (idle timeout, `DELETE`, a broken limit). The
 * cause is what `$disconnect` will report, whatever the client answers in its close frame.
 */
export function closeConnection(connection: GatewayConnection, cause: CloseCause): void {
  if (connection.state !== 'open') return;
  connection.state = 'closing';
  connection.closeCause = cause;
  connection.socket?.close(cause.code, cause.reason);
}

/**
 * Forgets a connection whose socket has closed and delivers `$disconnect`: best effort, so its
 * result is ignored and its failure only logged.
 */
export function finishConnection(
  ctx: GatewayContext,
  connection: GatewayConnection,
  clientCode: number,
  clientReason: string,
): void {
  if (connection.state === 'closed') return;
  connection.state = 'closed';
  ctx.registry.delete(connection.id);
  const cause = connection.closeCause ?? clientCloseCause(clientCode, clientReason);
  deliverDisconnect(ctx, connection, cause);
}

/** Invokes the `$disconnect` route, unless the gateway is stopping or the fault knob drops it. */
export function deliverDisconnect(
  ctx: GatewayContext,
  connection: GatewayConnection,
  cause: CloseCause,
): void {
  const integration = ctx.routes.get('$disconnect');
  if (ctx.shuttingDown || !integration) return;
  if (dropsDisconnect(ctx.faults)) {
    ctx.stats.increment('disconnectsDropped');
    ctx.log?.(`DISCONNECT ${connection.id} ${cause.code} dropped by fault injection`);
    return;
  }
  ctx.stats.increment('disconnects');
  const now = Date.now();
  const event = disconnectEvent(ctx.api, connection, cause.code, cause.reason, newEventId(), now);
  void ctx.invoker.invoke(integration, event).then((outcome) => {
    if (outcome.kind === 'returned')
      ctx.log?.(`DISCONNECT ${connection.id} ${cause.code} ${Date.now() - now}ms`);
    else if (outcome.kind === 'threw')
      ctx.log?.(`DISCONNECT ${connection.id} ${cause.code} integration failed: ${String(outcome.error)}`);
    else ctx.log?.(`DISCONNECT ${connection.id} ${cause.code} integration timed out`);
  });
}
