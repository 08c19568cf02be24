import { describe, expect, it } from 'vitest';
import { deliverToShard, requeueLegacyScan } from '../../../lambdas/core/delivery/broadcast.ts';
import { deliverToConnections } from '../../../lambdas/core/delivery/deliver.ts';
import { deliveryRecord, type ShardRecord } from '../../../lambdas/core/delivery/records.ts';
import type { Deps, PostOutcome } from '../../../lambdas/core/deps.ts';
import { queueDepartures } from '../../../lambdas/core/services/departures.ts';
import { publishNotification } from '../../../lambdas/core/services/notifications.ts';
import type { RemovedConnection } from '../../../lambdas/core/store/connections.ts';
import { testConfig } from '../../helpers/config.ts';

interface Sent {
  readonly name: string;
  readonly input: Record<string, unknown>;
}

interface FakeOptions {
  /** Query pages, in order. */
  pages?: Record<string, unknown>[];
  /** Answers each Query instead of `pages`. */
  query?: (input: Record<string, unknown>) => Record<string, unknown>;
  clock?: () => number;
  /** What the gateway answers a post to this connection. @default 'ok' */
  outcome?: (connectionId: string) => PostOutcome;
  /** What a DeleteCommand returns as the old item. @default nothing (already gone) */
  deleted?: (command: never) => Record<string, unknown> | undefined;
}

/**
 * Fake clients: the table answers Queries from `pages`; posts answer `outcome`; every call and
 * post (as `PostToConnection`) is recorded.
 */
function fakeDeps(options: FakeOptions = {}) {
  const calls: Sent[] = [];
  const pages = [...(options.pages ?? [])];
  const record = (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    calls.push({ name: command.constructor.name, input: command.input });
  };
  const deps = {
    config: testConfig(),
    db: {
      send: async (command: never) => {
        record(command);
        const { name } = (command as { constructor: { name: string } }).constructor;
        if (name === 'QueryCommand')
          return options.query?.((command as Sent).input) ?? pages.shift() ?? { Items: [] };
        if (name === 'DeleteCommand') return { Attributes: options.deleted?.(command) };
        return {};
      },
    },
    sqs: {
      send: async (command: never) => {
        record(command);
        return { Failed: [] };
      },
    },
    posts: {
      post: async (connectionId: string, frame: string) => {
        calls.push({ name: 'PostToConnection', input: { ConnectionId: connectionId, Data: frame } });
        return options.outcome?.(connectionId) ?? 'ok';
      },
    },
    now: options.clock ?? Date.now,
  } as unknown as Deps;
  return { deps, calls };
}

const shardRecord: ShardRecord = {
  type: 'shard',
  frame: '{"type":"notification"}',
  shard: 2,
};
const posted = (calls: Sent[]) =>
  calls.filter((c) => c.name === 'PostToConnection').map((c) => c.input.ConnectionId);

describe('Schema: deliveryRecord', () => {
  it('accepts a shard record', () => {
    expect(deliveryRecord.safeParse(shardRecord).success).toBe(true);
  });

  it('rejects a shard past the last one', () => {
    expect(deliveryRecord.safeParse({ ...shardRecord, shard: 16 }).success).toBe(false);
  });

  it('still accepts the scan segment record queued before shards', () => {
    const legacy = { type: 'scan', frame: 'f', segment: 2, totalSegments: 8 };
    expect(deliveryRecord.safeParse(legacy).success).toBe(true);
    expect(deliveryRecord.safeParse({ ...legacy, segment: 8 }).success).toBe(false);
  });
});

describe('Function: deliverToShard', () => {
  it('queries its shard of the last-seen records for live connections and posts to each once', async () => {
    const { deps, calls } = fakeDeps({
      pages: [
        { Items: [{ connectionId: 'a' }, { connectionId: 'b' }], LastEvaluatedKey: { pk: 'CONN#b' } },
        { Items: [{ connectionId: 'c' }] },
      ],
    });
    const report = await deliverToShard(deps, shardRecord);
    expect(report).toMatchObject({ delivered: 3, pages: 2, continued: false });
    expect(posted(calls).sort()).toEqual(['a', 'b', 'c']);
    const queries = calls.filter((c) => c.name === 'QueryCommand').map((c) => c.input);
    expect(queries[0]).toMatchObject({
      KeyConditionExpression: 'pk = :shard',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':shard': 'SEEN#2' },
    });
    expect(queries[0]).not.toHaveProperty('IndexName');
    expect(queries[1]).toMatchObject({ ExclusiveStartKey: { pk: 'CONN#b' } });
  });

  it('queues the rest of its segment as a new record when its time budget runs out', async () => {
    let t = 0;
    const { deps, calls } = fakeDeps({
      clock: () => t,
      pages: [
        { Items: [{ connectionId: 'a' }], LastEvaluatedKey: { pk: 'CONN#a' } },
        { Items: [{ connectionId: 'b' }] },
      ],
      outcome: () => {
        t += 1000; // each post takes a second
        return 'ok';
      },
    });
    const report = await deliverToShard(deps, shardRecord, 500);
    expect(report).toMatchObject({ delivered: 1, continued: true });
    expect(posted(calls)).toEqual(['a']);
    const batch = calls.find((c) => c.name === 'SendMessageBatchCommand');
    const entries = batch?.input.Entries as { MessageBody: string }[];
    expect(entries.map((e) => JSON.parse(e.MessageBody))).toEqual([
      { ...shardRecord, startKey: { pk: 'CONN#a' } },
    ]);
  });

  it('reads a large shard in pages of 1000, so a run out of time stops after the first', async () => {
    // A shard of 2,500 connections; the fake answers a Query as DynamoDB does: up to its
    // Limit, or the whole shard when it has none (a 1 MB page holds some 6,000 ids).
    const ids = Array.from({ length: 2500 }, (_, n) => `c${String(n).padStart(4, '0')}`);
    let t = 0;
    const { deps, calls } = fakeDeps({
      clock: () => t,
      query: (input) => {
        const start = (input.ExclusiveStartKey as { sk?: string } | undefined)?.sk;
        const from = start === undefined ? 0 : ids.indexOf(start) + 1;
        const page = ids.slice(from, from + ((input.Limit as number | undefined) ?? ids.length));
        const more = from + page.length < ids.length;
        return {
          Items: page.map((connectionId) => ({ connectionId })),
          ...(more ? { LastEvaluatedKey: { pk: 'SEEN#2', sk: page.at(-1) } } : {}),
        };
      },
      outcome: () => {
        t += 100;
        return 'ok';
      },
    });
    const report = await deliverToShard(deps, shardRecord, 500);
    expect(report).toMatchObject({ delivered: 1000, continued: true });
    const batch = calls.find((c) => c.name === 'SendMessageBatchCommand');
    const entries = batch?.input.Entries as { MessageBody: string }[];
    expect(entries.map((e) => JSON.parse(e.MessageBody))).toEqual([
      { ...shardRecord, startKey: { pk: 'SEEN#2', sk: 'c0999' } },
    ]);
  });
});

describe('Function: requeueLegacyScan', () => {
  const queued = (calls: Sent[]) =>
    calls
      .filter((c) => c.name === 'SendMessageBatchCommand')
      .flatMap((c) => (c.input.Entries as { MessageBody: string }[]).map((e) => JSON.parse(e.MessageBody)));

  it('queues the shards that cover a segment, so the segments of a broadcast cover each shard once', async () => {
    const { deps, calls } = fakeDeps();
    for (let segment = 0; segment < 8; segment += 1)
      await requeueLegacyScan(deps, { type: 'scan', frame: 'f', segment, totalSegments: 8 });
    const shards = queued(calls).map((r) => r.shard);
    expect(shards.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(queued(calls).every((r) => r.type === 'shard' && r.frame === 'f' && !r.startKey)).toBe(true);
    expect(posted(calls)).toEqual([]);
  });

  it('starts the shards of a continuation over rather than resume at an index key', async () => {
    const { deps, calls } = fakeDeps();
    await requeueLegacyScan(deps, {
      type: 'scan',
      frame: 'f',
      segment: 3,
      totalSegments: 8,
      startKey: { pk: 'CONN#x', sk: 'CONN', gsi1pk: 'USER#u', gsi1sk: 'CONN#x' },
    });
    expect(queued(calls)).toEqual([
      { type: 'shard', frame: 'f', shard: 3 },
      { type: 'shard', frame: 'f', shard: 11 },
    ]);
  });
});

describe('Function: publishNotification', () => {
  it('queues one shard record per last-seen shard for a notification to everyone, storing nothing', async () => {
    const { deps, calls } = fakeDeps();
    const result = await publishNotification(deps, {
      target: { all: true },
      data: 'hi',
      from: 'ops',
      ttlSeconds: 60,
    });
    expect(result).toMatchObject({ users: 0, segments: 16 });
    const entries = calls
      .filter((c) => c.name === 'SendMessageBatchCommand')
      .flatMap((c) => c.input.Entries as { MessageBody: string }[]);
    expect(entries.map((e) => JSON.parse(e.MessageBody))).toMatchObject(
      Array.from({ length: 16 }, (_, shard) => ({ type: 'shard', shard })),
    );
    expect(calls.filter((c) => c.name === 'PutCommand')).toHaveLength(0);
  });

  it('refuses a notification to a room that does not exist', async () => {
    const { deps } = fakeDeps();
    await expect(
      publishNotification(deps, { target: { room: 'nowhere' }, data: 1, from: 'ops', ttlSeconds: 60 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'room not found: nowhere' });
  });
});

describe('Function: deliverToConnections', () => {
  it('hands on only the connections whose retries ran out, never those already reached', async () => {
    const { deps, calls } = fakeDeps({ outcome: (id) => (id === 'busy' ? 'retryable' : 'ok') });
    const withoutRetries = { ...deps, config: { ...deps.config, DELIVERY_RETRIES: 0 } } as Deps;
    const report = await deliverToConnections(withoutRetries, 'frame', ['a', 'busy', 'b'], {
      inlineOnly: true,
    });
    expect(report).toMatchObject({ delivered: 2, handedOff: 1 });
    const entries = calls.find((c) => c.name === 'SendMessageBatchCommand')?.input.Entries as {
      MessageBody: string;
    }[];
    expect(entries.map((e) => JSON.parse(e.MessageBody))).toEqual([
      { type: 'connections', frame: 'frame', connectionIds: ['busy'], attempt: 1 },
    ]);
  });

  it('finishes the delivery when removing a gone connection fails', async () => {
    const { deps } = fakeDeps({ outcome: (id) => (id === 'gone' ? 'gone' : 'ok') });
    (deps.db as unknown as { send: () => Promise<never> }).send = async () => {
      throw new Error('table unavailable');
    };
    const report = await deliverToConnections(deps, 'frame', ['a', 'gone'], { inlineOnly: true });
    expect(report).toMatchObject({ delivered: 1, gone: 1 });
  });
});

describe('Function: deliverToConnections (gone connections)', () => {
  it('removes a gone connection and its subscriptions and reports the record without announcing it', async () => {
    const { deps, calls } = fakeDeps({
      outcome: (id) => (id === 'gone' ? 'gone' : 'ok'),
      deleted: () => ({ connectionId: 'gone', userId: 'olga', rooms: new Set(['cellar']), lastSeenAt: 5 }),
    });
    const report = await deliverToConnections(deps, 'frame', ['a', 'gone'], { inlineOnly: true });
    expect(report).toMatchObject({ delivered: 1, gone: 1 });
    expect(report.removed).toMatchObject([{ connectionId: 'gone', userId: 'olga', rooms: ['cellar'] }]);
    const batch = calls.find((c) => c.name === 'BatchWriteCommand')?.input.RequestItems as Record<
      string,
      unknown
    >;
    expect(batch.table).toEqual([{ DeleteRequest: { Key: { pk: 'SUBS#cellar', sk: 'CONN#gone' } } }]);
    // Delivery reports; announcing (which reads the user's other connections) is not its part.
    expect(calls.filter((c) => c.name === 'QueryCommand' || c.name === 'GetCommand')).toHaveLength(0);
    expect(calls.filter((c) => c.name === 'SendMessageBatchCommand')).toHaveLength(0);
  });

  it('reports nothing removed when another caller removed the gone connection first', async () => {
    const { deps } = fakeDeps({ outcome: () => 'gone' });
    const report = await deliverToConnections(deps, 'frame', ['gone'], { inlineOnly: true });
    expect(report).toMatchObject({ gone: 1, removed: [] });
  });
});

describe('Function: queueDepartures', () => {
  const record = (connectionId: string, rooms: string[]): RemovedConnection => ({
    connectionId,
    userId: `user-${connectionId}`,
    roles: [],
    connectedAt: 1,
    lastSeenAt: 2,
    expiresAt: 3,
    rooms,
    presence: { left: rooms, offline: rooms.length > 1 },
  });

  it('queues one departure record per removed connection that was in a room', async () => {
    const { deps, calls } = fakeDeps();
    await queueDepartures(deps, [record('a', ['r1', 'r2']), record('b', []), record('c', ['r1'])]);
    const entries = calls.find((c) => c.name === 'SendMessageBatchCommand')?.input.Entries as {
      MessageBody: string;
    }[];
    const bodies = entries.map((e) => JSON.parse(e.MessageBody));
    expect(bodies).toEqual([
      {
        type: 'departure',
        connection: { connectionId: 'a', userId: 'user-a', rooms: ['r1', 'r2'], lastSeen: 2, offline: true },
      },
      {
        type: 'departure',
        connection: { connectionId: 'c', userId: 'user-c', rooms: ['r1'], lastSeen: 2, offline: false },
      },
    ]);
    for (const body of bodies) expect(deliveryRecord.safeParse(body).success).toBe(true);
  });

  it('sends nothing when no removed connection changed what a room sees', async () => {
    const { deps, calls } = fakeDeps();
    await queueDepartures(deps, [record('b', [])]);
    expect(calls).toHaveLength(0);
  });
});
