import type { GatewayContext } from './context.ts';
import { closeConnection } from './disconnect.ts';
import { closeCauses } from './limits.ts';

/**
 * One periodic sweep for every deadline: integration timeouts, idle connections and connection
 * lifetime. Messages only store a timestamp, so a busy connection costs no timer work per frame.
 * The period is a quarter of the shortest deadline (10 ms to 1 s), precise enough for each.
 */
export function startSweeper(ctx: GatewayContext): () => void {
  const { idleTimeoutMs, maxLifetimeMs, integrationTimeoutMs } = ctx.limits;
  const period = Math.min(
    1000,
    Math.max(10, Math.floor(Math.min(idleTimeoutMs, maxLifetimeMs, integrationTimeoutMs) / 4)),
  );
  const timer = setInterval(() => {
    const now = Date.now();
    ctx.invoker.expire(now);
    for (const connection of ctx.registry.all()) {
      if (connection.state !== 'open') continue;
      if (now - connection.lastActiveAt >= idleTimeoutMs || now - connection.connectedAt >= maxLifetimeMs)
        closeConnection(connection, closeCauses.goingAway);
    }
  }, period);
  timer.unref();
  return () => clearInterval(timer);
}
