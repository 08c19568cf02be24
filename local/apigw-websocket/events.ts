import { randomBytes } from 'node:crypto';
import type { GatewayConnection } from './connection-registry.ts';
import { type HandshakeRequest, headerValue, omitHeaders } from './handshake-request.ts';
import { formatRequestTime } from './request-time.ts';

/** What every event of one API shares. */
export interface ApiInfo {
  readonly apiId: string;
  readonly stage: string;
  readonly domainName: string;
}

/** An event as integrations receive it. */
export type GatewayEvent = Record<string, unknown>;

// The $connect event carries the client's handshake headers minus the hop-by-hop ones.
const notForwarded = ['connection', 'upgrade', 'content-length'];

function requestContext(
  api: ApiInfo,
  connection: GatewayConnection,
  routeKey: string,
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
  requestId: string,
  now: number,
): Record<string, unknown> {
  const identity: Record<string, string> = { sourceIp: connection.sourceIp };
  if (connection.userAgent !== undefined) identity.userAgent = connection.userAgent;
  const context: Record<string, unknown> = {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: formatRequestTime(now),
    messageDirection: 'IN',
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now,
    identity,
    requestId,
    domainName: api.domainName,
    connectionId: connection.id,
    apiId: api.apiId,
  };
  // A copy per event: an integration mutating its event must not leak into the next one.
  // `integrationLatency` belongs to $connect only: captured MESSAGE and $disconnect events lack it.
  if (connection.authorizer) {
    const { integrationLatency, ...later } = connection.authorizer;
    context.authorizer = eventType === 'CONNECT' ? { ...connection.authorizer } : later;
  }
  return context;
}

/** The `$connect` event: handshake headers, the query string when there is one. */
export function connectEvent(
  api: ApiInfo,
  connection: GatewayConnection,
  request: HandshakeRequest,
  requestId: string,
  now: number,
): GatewayEvent {
  const added = addedConnectHeaders(api, connection, request, now);
  const replaced = notForwarded.concat(Object.keys(added).map((name) => name.toLowerCase()));
  const headers = omitHeaders(request.headers, replaced);
  const multiValueHeaders = omitHeaders(request.multiValueHeaders, replaced);
  for (const [name, value] of Object.entries(added)) {
    headers[name] = value;
    multiValueHeaders[name] = [value];
  }
  const event: GatewayEvent = { headers, multiValueHeaders };
  if (request.query) {
    event.queryStringParameters = { ...request.query.single };
    event.multiValueQueryStringParameters = cloneMulti(request.query.multi);
  }
  event.requestContext = requestContext(api, connection, '$connect', 'CONNECT', requestId, now);
  event.isBase64Encoded = false;
  return event;
}

// API Gateway's edge adds these to the $connect headers and sets `Host` to the API's domain.
// The client's own `X-Forwarded-For` chain is kept, with the peer appended; a trace header it
// sent is passed on, otherwise a new root is made.
function addedConnectHeaders(
  api: ApiInfo,
  connection: GatewayConnection,
  request: HandshakeRequest,
  now: number,
): Record<string, string> {
  const forwarded = headerValue(request.headers, 'x-forwarded-for');
  const trace = headerValue(request.headers, 'x-amzn-trace-id');
  const port = /:(\d+)$/.exec(api.domainName)?.[1] ?? '443';
  return {
    Host: api.domainName,
    'X-Amzn-Trace-Id': typeof trace === 'string' && trace !== '' ? trace : newTraceId(now),
    'X-Forwarded-For':
      typeof forwarded === 'string' && forwarded !== ''
        ? `${forwarded}, ${connection.sourceIp}`
        : connection.sourceIp,
    'X-Forwarded-Port': port,
    'X-Forwarded-Proto': 'https',
  };
}

/** An X-Ray root trace id, `Root=1-{epoch seconds in hex}-{96 random bits}`. */
export function newTraceId(now: number): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')}`;
}

/** A message event: the frame's text as `body`, no headers. */
export function messageEvent(
  api: ApiInfo,
  connection: GatewayConnection,
  routeKey: string,
  body: string,
  requestId: string,
  messageId: string,
  now: number,
): GatewayEvent {
  const context = requestContext(api, connection, routeKey, 'MESSAGE', requestId, now);
  context.messageId = messageId;
  return { requestContext: context, body, isBase64Encoded: false };
}

/** The `$disconnect` event: API Gateway's fixed headers and the close code and reason. */
export function disconnectEvent(
  api: ApiInfo,
  connection: GatewayConnection,
  code: number,
  reason: string,
  requestId: string,
  now: number,
): GatewayEvent {
  const context = requestContext(api, connection, '$disconnect', 'DISCONNECT', requestId, now);
  context.disconnectStatusCode = code;
  context.disconnectReason = reason;
  return {
    headers: { Host: api.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
    multiValueHeaders: {
      Host: [api.domainName],
      'x-api-key': [''],
      'X-Forwarded-For': [''],
      'x-restapi': [''],
    },
    requestContext: context,
    isBase64Encoded: false,
  };
}

/** The REQUEST authorizer's event; unlike `$connect` it sees every header. */
export function authorizerEvent(
  api: ApiInfo,
  connection: GatewayConnection,
  request: HandshakeRequest,
  methodArn: string,
  requestId: string,
  now: number,
): GatewayEvent {
  const headers = { ...request.headers };
  const multiValueHeaders = cloneMulti(request.multiValueHeaders);
  // A GET handshake has no body; API Gateway still lists a `content-length` (*uncertain* value).
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
    headers['content-length'] = '0';
    multiValueHeaders['content-length'] = ['0'];
  }
  return {
    type: 'REQUEST',
    methodArn,
    headers,
    multiValueHeaders,
    queryStringParameters: { ...request.query?.single },
    multiValueQueryStringParameters: cloneMulti(request.query?.multi ?? {}),
    stageVariables: {},
    requestContext: requestContext(api, connection, '$connect', 'CONNECT', requestId, now),
  };
}

function cloneMulti(multi: Record<string, string[]>): Record<string, string[]> {
  const copy: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(multi)) copy[k] = [...v];
  return copy;
}
