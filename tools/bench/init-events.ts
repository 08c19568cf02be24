/** `ws:{routeKey}`, `http:{METHOD /path}`, or the authorizer, queue and schedule events. */
export type EventKind = 'authorizer' | 'sqs' | 'schedule' | `ws:${string}` | `http:${string}`;

const eventTypes: Readonly<Record<string, string>> = { $connect: 'CONNECT', $disconnect: 'DISCONNECT' };

/**
 * A representative first event of each kind of function, shaped as API Gateway, SQS and
 * EventBridge send them, so that the first invocation gets as far as its first AWS call: a
 * WebSocket route's frame budget, an HTTP route's authenticated store call, the authorizer's
 * ticket, a consumer's record, the sweeper's first query. `token` is a valid HS256 bearer token.
 */
export function benchEvent(kind: EventKind, token: string): unknown {
  const now = Date.now();
  if (kind === 'authorizer') {
    return {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:bench/bench/$connect',
      queryStringParameters: { ticket: 'bench-ticket' },
      headers: {},
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        connectionId: 'bench-conn',
        stage: 'bench',
      },
    };
  }
  if (kind === 'sqs') {
    return {
      Records: [
        {
          messageId: 'bench-message',
          receiptHandle: 'bench',
          body: JSON.stringify({ connectionIds: ['bench-conn'], frame: { type: 'bench' } }),
          attributes: { ApproximateReceiveCount: '1' },
          messageAttributes: {},
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:bench',
        },
      ],
    };
  }
  if (kind === 'schedule') return { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
  if (kind.startsWith('ws:')) {
    const routeKey = kind.slice(3);
    return {
      requestContext: {
        routeKey,
        eventType: eventTypes[routeKey] ?? 'MESSAGE',
        connectionId: 'bench-conn',
        connectedAt: now,
        requestId: 'bench-request',
        domainName: 'bench.execute-api.us-east-1.amazonaws.com',
        stage: 'bench',
        authorizer: { userId: 'bench-user', roles: '[]', credentialExpiresAt: String(now + 3_600_000) },
      },
      body: routeKey.startsWith('$') ? undefined : JSON.stringify({ action: routeKey }),
    };
  }
  const routeKey = kind.slice(5);
  const [method = 'GET', rawPath = '/'] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: rawPath.replace('{id}', 'bench-room').replace('{userId}', 'bench-user'),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    pathParameters: { id: 'bench-room', userId: 'bench-user' },
    requestContext: { http: { method, path: rawPath }, requestId: 'bench-request', timeEpoch: now },
    body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
    isBase64Encoded: false,
  };
}
