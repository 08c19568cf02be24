import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The functions read their configuration and metrics settings at cold start: set them first.
vi.hoisted(() => {
  Object.assign(process.env, {
    STAGE: 'unit',
    POWERTOOLS_METRICS_NAMESPACE: 'WaveletUnit',
    POWERTOOLS_SERVICE_NAME: 'wavelet',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    TABLE_NAME: 'table',
    JWT_SECRET: 'unit-secret',
    NOTIFICATIONS_DLQ_URL: 'http://127.0.0.1:1/000000000000/wavelet-notifications-dlq',
    DELIVERIES_QUEUE_URL: 'http://127.0.0.1:1/000000000000/wavelet-deliveries',
    MANAGEMENT_ENDPOINT: 'http://127.0.0.1:1/unit',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'unit',
    AWS_SECRET_ACCESS_KEY: 'unit',
  });
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

import { AppError } from '../../../lambdas/core/errors.ts';
import { httpRoute } from '../../../lambdas/core/http-route.ts';
import { wsRoute } from '../../../lambdas/core/ws-route.ts';
import { handler as notify } from '../../../lambdas/queue/notify.ts';
import { handler as sweep } from '../../../lambdas/schedule/sweep.ts';
import { handler as authorize } from '../../../lambdas/ws/authorizer.ts';
import { handler as connect } from '../../../lambdas/ws/connect.ts';
import { handler as disconnect } from '../../../lambdas/ws/disconnect.ts';
import { pingFrame } from '../../../protocol/client-frames.ts';
import { signToken } from '../../../tools/sign-token.ts';
import { captureEmf } from './emf-capture.ts';

const emf = captureEmf();
afterAll(() => emf.restore());

/** The table and the queues, answered in-process: `table` gets each DynamoDB command. */
let table: (command: { constructor: { name: string }; input: Record<string, unknown> }) => unknown;
const sent: Record<string, unknown>[] = [];
beforeEach(() => {
  emf.clear();
  sent.length = 0;
  table = () => ({});
  vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation((async (command: never) =>
    table(command)) as never);
  vi.spyOn(SQSClient.prototype, 'send').mockImplementation((async (command: {
    input: Record<string, unknown>;
  }) => {
    sent.push(command.input);
    return {};
  }) as never);
});
afterEach(() => vi.restoreAllMocks());

const unavailable = () => {
  throw Object.assign(new Error('table unavailable'), { name: 'InternalServerError' });
};
const common = { service: 'wavelet', stage: 'unit' };
/** Each document's dimensions and value of `name`, sorted (records of a batch run in parallel). */
const valuesOf = (name: string) =>
  emf
    .named(name)
    .map((m) => [m.dimensions, m.value])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

const authorizerEvent = (query: Record<string, string>) =>
  ({
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:0:api/unit/$connect',
    queryStringParameters: query,
    requestContext: { requestId: 'req-auth' },
  }) as never;

describe('Entry point: authorizer', () => {
  it('counts an allowed handshake with its latency, in one document written by the invocation', async () => {
    const token = await signToken('ann', { secret: 'unit-secret' });
    await expect(authorize(authorizerEvent({ token }))).resolves.toMatchObject({ principalId: 'ann' });
    expect(emf.lines).toHaveLength(1);
    expect(emf.metrics()).toEqual([
      {
        namespace: 'WaveletUnit',
        name: 'Authorizations',
        unit: 'Count',
        value: 1,
        dimensions: { ...common, outcome: 'allowed' },
      },
      expect.objectContaining({
        name: 'AuthorizerLatency',
        unit: 'Milliseconds',
        value: expect.any(Number),
        dimensions: { ...common, outcome: 'allowed' },
      }),
    ]);
  });

  it('counts a bad token as denied and flushes although the invocation throws', async () => {
    await expect(authorize(authorizerEvent({ token: 'abc.def.ghi' }))).rejects.toThrow('Unauthorized');
    expect(valuesOf('Authorizations')).toEqual([[{ ...common, outcome: 'denied' }, 1]]);
    expect(valuesOf('InternalErrors')).toEqual([]);
  });

  it('counts a failing ticket lookup as error and as an internal error', async () => {
    table = unavailable;
    await expect(authorize(authorizerEvent({ ticket: 'some-ticket' }))).rejects.toThrow('table unavailable');
    expect(valuesOf('Authorizations')).toEqual([[{ ...common, outcome: 'error' }, 1]]);
    expect(valuesOf('InternalErrors')).toEqual([[common, 1]]);
  });
});

const wsEvent = (routeKey: string) =>
  ({
    requestContext: {
      routeKey,
      requestId: `req-${routeKey}`,
      connectionId: 'conn-1',
      connectedAt: Date.now(),
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: '127.0.0.1', userAgent: 'unit' },
      authorizer: { userId: 'ann', roles: '[]', device: '' },
    },
  }) as never;

describe('Entry point: $connect and $disconnect', () => {
  it('counts an opened connection with the time $connect took', async () => {
    await connect(wsEvent('$connect'));
    expect(valuesOf('ConnectionsOpened')).toEqual([[common, 1]]);
    expect(emf.named('ConnectLatency')).toEqual([
      expect.objectContaining({ unit: 'Milliseconds', value: expect.any(Number), dimensions: common }),
    ]);
  });

  it('counts a $connect that fails as an internal error, not as opened, and flushes', async () => {
    table = unavailable;
    await expect(connect(wsEvent('$connect'))).rejects.toThrow('table unavailable');
    expect(valuesOf('ConnectionsOpened')).toEqual([]);
    expect(valuesOf('InternalErrors')).toEqual([[common, 1]]);
  });

  it('counts a closed connection on $disconnect', async () => {
    await disconnect(wsEvent('$disconnect'));
    expect(valuesOf('ConnectionsClosed')).toEqual([[common, 1]]);
  });
});

const sqsEvent = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m${i}`,
    receiptHandle: `r${i}`,
    body,
    attributes: {} as never,
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:0:wavelet-notifications',
    awsRegion: 'us-east-1',
  })),
});
const notification = (users: string[]) =>
  JSON.stringify({ target: { users }, data: 'hi', from: 'billing', ttlSeconds: 60 });

describe('Entry point: notifications consumer', () => {
  it('counts a stored notification, a dead-lettered one and its move, each with its latency', async () => {
    table = (command) => (command.constructor.name === 'UpdateCommand' ? { Attributes: { count: 1 } } : {});
    const result = await notify(sqsEvent(notification(['ann']), 'not json'), {} as never);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(valuesOf('Notifications')).toEqual([
      [{ ...common, outcome: 'dead_lettered' }, 1],
      [{ ...common, outcome: 'stored' }, 1],
    ]);
    expect(
      emf
        .named('NotificationLatency')
        .map((m) => [m.unit, m.dimensions.outcome])
        .sort(),
    ).toEqual([
      ['Milliseconds', 'dead_lettered'],
      ['Milliseconds', 'stored'],
    ]);
    expect(valuesOf('DeadLettered')).toEqual([[{ ...common, queue: 'notifications' }, 1]]);
    expect(sent).toHaveLength(1);
  });

  it('counts a notification to more users than one batch as sharded', async () => {
    const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    await notify(sqsEvent(notification(users)), {} as never);
    expect(valuesOf('Notifications')).toEqual([[{ ...common, outcome: 'sharded' }, 1]]);
    expect(sent).toHaveLength(1);
  });

  it('counts a notification whose id was already published as repeated, writing no inbox entry', async () => {
    const writes: string[] = [];
    table = (command) => {
      const { name } = command.constructor;
      if (name === 'PutCommand' && (command.input.Item as { type?: string }).type === 'idempotency') {
        throw Object.assign(new Error('taken'), { name: 'ConditionalCheckFailedException' });
      }
      if (name === 'GetCommand') {
        return { Item: { status: 'done', messageId: 'm-1', ts: 1, expiresAt: 9e9 } };
      }
      if (name !== 'QueryCommand') writes.push(name);
      return {};
    };
    const repeat = JSON.stringify({
      id: 'n-1',
      target: { users: ['ann'] },
      data: 'hi',
      from: 'billing',
      ttlSeconds: 60,
    });
    await notify(sqsEvent(repeat), {} as never);
    expect(valuesOf('Notifications')).toEqual([[{ ...common, outcome: 'repeated' }, 1]]);
    expect(writes).toEqual([]);
  });

  it('counts a broadcast and a record that fails as retried and as an internal error', async () => {
    table = unavailable;
    const broadcast = JSON.stringify({ target: { all: true }, data: 'hi', from: 'ops', ttlSeconds: 60 });
    const result = await notify(sqsEvent(broadcast, notification(['ann'])), {} as never);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(valuesOf('Notifications')).toEqual([
      [{ ...common, outcome: 'broadcast' }, 1],
      [{ ...common, outcome: 'retried' }, 1],
    ]);
    expect(valuesOf('InternalErrors')).toEqual([[common, 1]]);
  });
});

describe('Entry point: sweeper', () => {
  it('counts the connections it closed by reason', async () => {
    // Expired credentials are found in the same last-seen pages (seen just now, so not idle);
    // every record has its credential expiry, as `$connect` writes it (credential-expiry.ts).
    const far = Date.now() + 3_600_000;
    let idle: Record<string, unknown>[] = [
      { connectionId: 'stale-1', lastSeenAt: 1, expiresAt: 1, credentialExpiresAt: far },
      { connectionId: 'expired-1', lastSeenAt: Date.now(), expiresAt: far, credentialExpiresAt: 1 },
      { connectionId: 'expired-2', lastSeenAt: Date.now(), expiresAt: far, credentialExpiresAt: 1 },
    ];
    table = (command) => {
      const input = command.input as {
        IndexName?: string;
        Key?: { pk?: string };
        ExpressionAttributeValues?: Record<string, unknown>;
      };
      // The stale connection's record is still there: the sweeper removes it (and announces nothing).
      if (command.constructor.name === 'DeleteCommand' && input.Key?.pk === 'CONN#stale-1') {
        return {
          Attributes: { pk: 'CONN#stale-1', sk: 'META', connectionId: 'stale-1', userId: 'u1', rooms: [] },
        };
      }
      if (command.constructor.name !== 'QueryCommand') return {};
      // One page in the first last-seen shard read; the others are empty.
      const lastSeen = String(input.ExpressionAttributeValues?.[':shard']).startsWith('SEEN#');
      const items = lastSeen ? idle : [];
      if (lastSeen) idle = [];
      return { Items: items };
    };
    vi.spyOn(ApiGatewayManagementApiClient.prototype, 'send').mockResolvedValue({} as never);
    await sweep({ id: 'sweep-0' } as never);
    expect(valuesOf('ConnectionsSwept')).toEqual([
      [{ ...common, reason: 'expired' }, 2],
      [{ ...common, reason: 'stale' }, 1],
    ]);
    // Its `$disconnect` never came: the sweeper counts it closed; the expired ones get theirs.
    expect(valuesOf('ConnectionsClosed')).toEqual([[common, 1]]);
  });

  it('counts a sweep that fails as an internal error and flushes although it throws', async () => {
    table = unavailable;
    await expect(sweep({ id: 'sweep-1' } as never)).rejects.toThrow();
    expect(valuesOf('InternalErrors')).toEqual([[common, 1]]);
  });
});

describe('Route helpers: httpRoute and wsRoute', () => {
  const httpEvent = { routeKey: 'POST /rooms', requestContext: { requestId: 'req-http' } } as never;

  it('counts an HTTP request by route and status with its latency', async () => {
    const route = httpRoute(async () => ({ status: 201, body: {} }));
    await route(httpEvent);
    const dimensions = { ...common, route: 'POST /rooms', status: '201' };
    expect(valuesOf('HttpRequests')).toEqual([[dimensions, 1]]);
    expect(emf.named('HttpLatency')).toEqual([
      expect.objectContaining({ unit: 'Milliseconds', value: expect.any(Number), dimensions }),
    ]);
  });

  it('counts a refused request as RateLimited and an unexpected failure as an internal error', async () => {
    await httpRoute(async () => {
      throw new AppError('RATE_LIMITED', 'slow down', { retryAfterMs: 1000 });
    })(httpEvent);
    await httpRoute(async () => {
      throw new Error('bug');
    })(httpEvent);
    expect(valuesOf('RateLimited')).toEqual([[common, 1]]);
    expect(valuesOf('InternalErrors')).toEqual([[common, 1]]);
    expect(valuesOf('HttpRequests')).toEqual([
      [{ ...common, route: 'POST /rooms', status: '429' }, 1],
      [{ ...common, route: 'POST /rooms', status: '500' }, 1],
    ]);
  });

  it('counts a frame that fails unexpectedly by its action, as INTERNAL and as an internal error', async () => {
    const route = wsRoute(pingFrame, async () => {
      throw new Error('bug');
    });
    await route({ ...(wsEvent('ping') as object), body: '{"action":"ping","ref":"a"}' } as never);
    expect(valuesOf('Frames')).toEqual([[{ ...common, action: 'ping', outcome: 'INTERNAL' }, 1]]);
    expect(valuesOf('InternalErrors')).toEqual([[common, 1]]);
  });
});
