import { createServer, type IncomingMessage } from 'node:http';
import { WebSocketServer } from 'ws';
import { ConnectionRegistry } from './connection-registry.ts';
import type { GatewayContext } from './context.ts';
import { noFaults } from './faults.ts';
import { acceptHandshake } from './handshake.ts';
import { rejectHandshakeWithMessage, sendError } from './http-responses.ts';
import { newApiId } from './ids.ts';
import { Invoker } from './invoker.ts';
import { closeCauses, defaultLimits } from './limits.ts';
import { handleManagementRequest } from './management-api.ts';
import type { WebSocketGateway, WebSocketGatewayOptions } from './options.ts';
import { compileRouteSelector } from './route-selection.ts';
import { Counters } from './stats.ts';
import { startSweeper } from './sweeper.ts';

export type {
  GatewayAuthorizer,
  GatewayFaults,
  GatewayLimits,
  Integration,
  WebSocketGateway,
  WebSocketGatewayOptions,
} from './options.ts';

import { listen } from '../listen.ts';

/**
 * Starts a local API Gateway WebSocket API and its Management API (`@connections`) on one
 * port. It reproduces AWS's observable behaviour (event shapes, route selection, handshake
 * outcomes, error frames, limits and close codes; see docs/emulator.md) around the
 * integrations it is given, so the same handlers run here and in Lambda.
 *
 * @example
 * const gateway = await startWebSocketGateway({
 *   port: 0,
 *   routeSelectionExpression: '$request.body.action',
 *   routes: { $default: async (event) => ({ statusCode: 200, body: String(event.body) }) },
 * });
 * const client = new ApiGatewayManagementApiClient({ endpoint: gateway.managementEndpoint, region, credentials });
 */
export async function startWebSocketGateway(options: WebSocketGatewayOptions): Promise<WebSocketGateway> {
  const host = options.host ?? '127.0.0.1';
  const stage = options.stage ?? 'local';
  const apiId = options.apiId ?? newApiId();
  if (!/^[a-z0-9]{10}$/.test(apiId)) throw new Error(`apiId must be 10 lower-case alphanumerics: ${apiId}`);
  const limits = withDefaults(defaultLimits, options.limits);
  const routes = new Map(Object.entries(options.routes));
  const twoWayRoutes = new Set(
    options.twoWayRoutes ?? [...routes.keys()].filter((key) => key !== '$connect' && key !== '$disconnect'),
  );
  const selectRoute = compileRouteSelector(options.routeSelectionExpression);

  const chosenProtocols = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    // Bounds a whole message, fragments summed; each frame's bound is `guardFrameSize`'s.
    maxPayload: limits.messageBytes,
    // The subprotocol comes only from $connect's response headers; never echoed on our own.
    handleProtocols: (_offered, req) => chosenProtocols.get(req) ?? false,
  });
  // `handleProtocols` is consulted only when the client offered protocols; a $connect that sends
  // one anyway reaches the client as on AWS (which then fails the handshake).
  wss.on('headers', (headers, req) => {
    const protocol = chosenProtocols.get(req);
    if (protocol !== undefined && req.headers['sec-websocket-protocol'] === undefined)
      headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
  });

  const server = createServer({ noDelay: true });
  // The delivery code reuses sockets through a keep-alive agent; keep them open past its idle time.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const { port, origin } = await listen(server, options.port ?? 8080, host);

  const ctx: GatewayContext = {
    api: { apiId, stage, domainName: options.domainName ?? origin },
    region: options.region ?? 'us-east-1',
    limits,
    faults: withDefaults(noFaults, options.faults),
    routes,
    twoWayRoutes,
    selectRoute,
    authorizer: options.authorizer,
    registry: new ConnectionRegistry(),
    invoker: new Invoker(limits.integrationTimeoutMs),
    stats: new Counters(),
    log: options.log,
    shuttingDown: false,
  };
  const stopSweeper = startSweeper(ctx);

  server.on('upgrade', (req, socket, head) => {
    if (!isSocketPath(req.url, stage)) {
      rejectHandshakeWithMessage(socket, 403, 'Forbidden', 'ForbiddenException');
      return;
    }
    acceptHandshake(ctx, { wss, chosenProtocols }, req, socket, head).catch((error: unknown) => {
      ctx.log?.(`CONNECT failed: ${String(error)}`);
      rejectHandshakeWithMessage(socket, 500, 'Internal server error');
    });
  });
  server.on('request', (req, res) => {
    if (isSocketPath(req.url, stage)) {
      req.resume();
      sendError(res, { status: 426, message: 'Upgrade Required' });
      return;
    }
    handleManagementRequest(ctx, req, res).catch((error: unknown) => {
      ctx.log?.(`${req.method} ${req.url} failed: ${String(error)}`);
      if (!res.headersSent)
        sendError(res, {
          status: 500,
          errorType: 'InternalServerErrorException',
          message: 'Internal server error',
        });
    });
  });

  return {
    port,
    apiId,
    stage,
    url: `ws://${origin}`,
    managementEndpoint: `http://${origin}/${stage}`,
    setFaults: (faults) => {
      ctx.faults = withDefaults(ctx.faults, faults);
    },
    connectionIds: () => ctx.registry.openIds(),
    stats: () => ctx.stats.snapshot(),
    close: async () => {
      ctx.shuttingDown = true;
      stopSweeper();
      await closeSockets(ctx);
      ctx.invoker.abandonAll();
      ctx.registry.reset();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Says goodbye with 1001 and gives clients a moment to answer before cutting them off. */
async function closeSockets(ctx: GatewayContext): Promise<void> {
  const closing: Promise<void>[] = [];
  for (const connection of ctx.registry.all()) {
    const socket = connection.socket;
    if (!socket) continue;
    closing.push(new Promise((resolve) => socket.once('close', () => resolve())));
    socket.close(closeCauses.goingAway.code, closeCauses.goingAway.reason);
  }
  if (closing.length === 0) return;
  const grace = new Promise<void>((resolve) => setTimeout(resolve, 200).unref());
  await Promise.race([Promise.all(closing), grace]);
  for (const connection of ctx.registry.all()) connection.socket?.terminate();
}

/** Clients connect to `/` or `/{stage}`; everything else belongs to the Management API. */
function isSocketPath(url: string | undefined, stage: string): boolean {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  return path === '/' || path === '' || path === `/${stage}` || path === `/${stage}/`;
}

function withDefaults<T extends object>(defaults: Readonly<T>, overrides: Partial<T> | undefined): T {
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(overrides ?? {}))
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  return merged;
}
