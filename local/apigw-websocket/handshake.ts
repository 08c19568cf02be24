import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { authorizeHandshake } from './authorizer.ts';
import type { GatewayConnection } from './connection-registry.ts';
import type { GatewayContext } from './context.ts';
import { closeConnection, deliverDisconnect, finishConnection } from './disconnect.ts';
import { connectEvent } from './events.ts';
import { guardFrameSize } from './frame-guard.ts';
import {
  type HandshakeRequest,
  hasIdentitySources,
  headerValue,
  readHandshakeRequest,
} from './handshake-request.ts';
import { rejectHandshake, rejectHandshakeWithMessage } from './http-responses.ts';
import { newEventId } from './ids.ts';
import type { InvocationOutcome } from './invoker.ts';
import { closeCauses, protocolErrorCause } from './limits.ts';
import { handleMessage } from './messages.ts';

/** What a handshake needs besides the gateway's state. */
export interface HandshakeServer {
  readonly wss: WebSocketServer;
  /** The subprotocol each accepted handshake's `$connect` returned, for `handleProtocols`. */
  readonly chosenProtocols: WeakMap<IncomingMessage, string>;
}

const keyPattern = /^[+/0-9A-Za-z]{22}==$/;
// RFC 7230 token, the form `ws` requires of each offered subprotocol.
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Runs a WebSocket handshake as API Gateway does: authorizer, then `$connect`, and only then the
 * 101. Either may fail the handshake with its own status, which is why upgrades are handled by
 * hand rather than by `ws`'s server.
 */
export async function acceptHandshake(
  ctx: GatewayContext,
  server: HandshakeServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  // A client may give up while the authorizer or $connect runs; that must not crash the gateway.
  socket.on('error', () => undefined);
  const invalid = invalidUpgrade(req);
  if (invalid) {
    rejectHandshakeWithMessage(socket, invalid.status, invalid.message);
    return;
  }
  const request = readHandshakeRequest(req);
  const connectedAt = Date.now();
  let connection: GatewayConnection = {
    id: newEventId(),
    connectedAt,
    lastActiveAt: connectedAt,
    sourceIp: request.sourceIp,
    userAgent: request.userAgent,
    state: 'connecting',
  };
  const requestId = newEventId();

  if (ctx.authorizer) {
    if (!hasIdentitySources(request, ctx.authorizer.identitySource)) {
      ctx.log?.(`CONNECT 401 identity source missing`);
      rejectHandshakeWithMessage(socket, 401, 'Unauthorized', 'UnauthorizedException');
      return;
    }
    const decision = await authorizeHandshake(
      { api: ctx.api, region: ctx.region, authorizer: ctx.authorizer, invoker: ctx.invoker },
      connection,
      request,
      requestId,
    );
    if (!decision.allowed) {
      ctx.log?.(`CONNECT ${decision.status} authorizer: ${decision.message}`);
      const errorType = { 401: 'UnauthorizedException', 403: 'AccessDeniedException', 500: undefined };
      rejectHandshakeWithMessage(socket, decision.status, decision.message, errorType[decision.status]);
      return;
    }
    connection = { ...connection, authorizer: decision.context };
  }

  ctx.registry.add(connection);
  const integration = ctx.routes.get('$connect');
  let protocol: string | undefined;
  if (integration) {
    const event = connectEvent(ctx.api, connection, request, requestId, connectedAt);
    const outcome = await ctx.invoker.invoke(integration, event);
    const verdict = connectVerdict(outcome);
    if (verdict.status < 200 || verdict.status > 299) {
      // A rejected handshake never existed as far as $disconnect is concerned.
      connection.state = 'closed';
      ctx.registry.delete(connection.id);
      ctx.log?.(`CONNECT ${connection.id} ${verdict.status}`);
      rejectHandshake(socket, verdict.status, undefined, verdict.body);
      return;
    }
    protocol = verdict.protocol;
  }
  if (ctx.shuttingDown) {
    ctx.registry.delete(connection.id);
    rejectHandshakeWithMessage(socket, 503, 'Service Unavailable');
    return;
  }
  openConnection(ctx, server, connection, request, req, socket, head, protocol);
}

function openConnection(
  ctx: GatewayContext,
  server: HandshakeServer,
  connection: GatewayConnection,
  request: HandshakeRequest,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string | undefined,
): void {
  if (protocol !== undefined) server.chosenProtocols.set(req, protocol);
  let opened = false;
  // Before `ws` takes the socket, so a frame over the limit is refused before `ws` parses it.
  guardFrameSize(socket, ctx.limits.frameBytes, () => closeConnection(connection, closeCauses.tooBig));
  // Synchronous: no verifyClient and no permessage-deflate (API Gateway offers no compression).
  server.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    opened = true;
    connection.socket = ws;
    connection.state = 'open';
    connection.lastActiveAt = Date.now();
    ws.on('message', (data, isBinary) => handleMessage(ctx, connection, data, isBinary));
    ws.on('error', (error: Error & { code?: string }) => {
      // `ws` has already sent the close frame for a protocol violation (size, UTF-8).
      if (connection.state === 'open') {
        connection.state = 'closing';
        connection.closeCause = protocolErrorCause(error.code);
      }
    });
    ws.on('close', (code, reason) => finishConnection(ctx, connection, code, reason.toString()));
  });
  if (opened) {
    ctx.stats.increment('connects');
    ctx.log?.(
      `CONNECT ${connection.id} 101${request.protocols.length ? ` protocol=${protocol ?? '(none)'}` : ''}`,
    );
    return;
  }
  // The client went away while $connect ran: the integration saw a connection, so it hears of
  // its end.
  connection.state = 'closed';
  ctx.registry.delete(connection.id);
  deliverDisconnect(ctx, connection, closeCauses.abnormal);
}

interface ConnectVerdict {
  readonly status: number;
  readonly body?: string;
  readonly protocol?: string;
}

// A $connect proxy result: 2xx opens, another status fails the handshake with it; a throw is a
// 502 like any failed Lambda proxy integration. Nothing returned counts as 200, as on AWS.
function connectVerdict(outcome: InvocationOutcome): ConnectVerdict {
  if (outcome.kind === 'threw') return { status: 502, body: '{"message": "Internal server error"}' };
  // *uncertain*: a timed-out $connect is answered like any API Gateway integration timeout.
  if (outcome.kind === 'timedOut') return { status: 504, body: '{"message": "Endpoint request timed out"}' };
  const result = outcome.value;
  if (result === undefined || result === null || typeof result !== 'object') return { status: 200 };
  const { statusCode, body, headers } = result as { statusCode?: unknown; body?: unknown; headers?: unknown };
  const status = statusCode === undefined ? 200 : Number(statusCode);
  if (!Number.isInteger(status) || status < 200 || status > 599)
    return { status: 502, body: '{"message": "Internal server error"}' };
  const protocol = headerValue(
    headers && typeof headers === 'object' ? (headers as Record<string, unknown>) : undefined,
    'sec-websocket-protocol',
  );
  return {
    status,
    body: typeof body === 'string' ? body : undefined,
    protocol: typeof protocol === 'string' && protocol !== '' ? protocol : undefined,
  };
}

// Checked before the authorizer and $connect run, so that `ws` cannot refuse the upgrade after
// an integration already saw the connection.
function invalidUpgrade(req: IncomingMessage): { status: number; message: string } | undefined {
  if (req.method !== 'GET') return { status: 405, message: 'Invalid HTTP method' };
  if (req.headers.upgrade?.toLowerCase() !== 'websocket')
    return { status: 400, message: 'Invalid Upgrade header' };
  const key = req.headers['sec-websocket-key'];
  if (key === undefined || !keyPattern.test(key))
    return { status: 400, message: 'Invalid Sec-WebSocket-Key' };
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return { status: 400, message: 'Invalid Sec-WebSocket-Version' };
  const protocols = req.headers['sec-websocket-protocol'];
  if (protocols !== undefined) {
    const offered = protocols.split(',').map((p) => p.trim());
    if (!offered.every((p) => tokenPattern.test(p)) || new Set(offered).size !== offered.length)
      return { status: 400, message: 'Invalid Sec-WebSocket-Protocol header' };
  }
  return undefined;
}
