import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import { claimDeparture } from '../../../lambdas/core/store/departure-claims.ts';
import { keys } from '../../../lambdas/core/store/keys.ts';
import {
  countSubscription,
  getLivePresence,
  registerConnection,
  uncountConnection,
  uncountSubscription,
} from '../../../lambdas/core/store/presence-counts.ts';
import { createTables, type LocalDynamoDb, startDynamoDb } from '../../../local/dynamodb/index.ts';
import { testConfig } from '../../helpers/config.ts';

// The counts against a real local DynamoDB: their guarantees are DynamoDB's (conditions, set
// updates applied one at a time), which a fake would only restate.
let dynamo: LocalDynamoDb;
let deps: TableDeps;
let clock = 1_800_000_000_000;

beforeAll(async () => {
  dynamo = await startDynamoDb();
  await createTables({ endpoint: dynamo.endpoint, tableName: 'counts' });
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  deps = {
    config: testConfig({ TABLE_NAME: 'counts' }),
    db: DynamoDBDocumentClient.from(client),
    now: () => clock,
  };
});
afterAll(async () => {
  deps?.db.destroy();
  await dynamo?.close();
});

const item = async (userId: string) =>
  (await deps.db.send(new GetCommand({ TableName: 'counts', Key: keys.livePresence(userId) }))).Item;

describe('Store: presence counts', () => {
  it('reports the first connection and the first and last subscription of a user in a room', async () => {
    expect(await registerConnection(deps, 'ann', 'a1')).toEqual({ first: true, others: [] });
    expect(await registerConnection(deps, 'ann', 'a2')).toEqual({ first: false, others: ['a1'] });
    expect(await countSubscription(deps, 'ann', 'r', 'a1')).toBe('first');
    expect(await countSubscription(deps, 'ann', 'r', 'a1')).toBe('again');
    expect(await countSubscription(deps, 'ann', 'r', 'a2')).toBe('again');

    expect(await uncountSubscription(deps, 'ann', 'r', 'a1')).toBe(false);
    expect(await uncountSubscription(deps, 'ann', 'r', 'a2')).toBe(true);
    expect(await countSubscription(deps, 'ann', 'r', 'a2')).toBe('first');
  });

  it('moves a count once however often one removal is repeated, and never below zero', async () => {
    await registerConnection(deps, 'bob', 'b1');
    await registerConnection(deps, 'bob', 'b2');
    await countSubscription(deps, 'bob', 'r', 'b1');
    expect(await uncountSubscription(deps, 'bob', 'r', 'b1')).toBe(true);
    expect(await uncountSubscription(deps, 'bob', 'r', 'b1')).toBe(false);
    expect(await uncountConnection(deps, 'bob', 'b1', ['r'])).toEqual({ left: [], offline: false });
    expect(await uncountConnection(deps, 'bob', 'b1', ['r'])).toEqual({ left: [], offline: false });
    // b2 is still counted: removing b1 again and again never took it for the last one.
    expect((await getLivePresence(deps, 'bob'))?.connections).toEqual(['b2']);
    expect(await uncountConnection(deps, 'bob', 'b2', [])).toEqual({ left: [], offline: true });
    expect(await uncountConnection(deps, 'bob', 'b2', [])).toEqual({ left: [], offline: false });
  });

  it('creates nothing when uncounting what was never counted', async () => {
    expect(await uncountSubscription(deps, 'nobody', 'r', 'n1')).toBe(false);
    expect(await uncountConnection(deps, 'nobody', 'n1', ['r'])).toEqual({ left: [], offline: false });
    expect(await item('nobody')).toBeUndefined();
  });

  it('refuses to count a subscription of a connection that is not counted', async () => {
    expect(await countSubscription(deps, 'cat', 'r', 'c1')).toBe('unregistered');
    await registerConnection(deps, 'cat', 'c1');
    await uncountConnection(deps, 'cat', 'c1', []);
    expect(await countSubscription(deps, 'cat', 'r', 'c1')).toBe('unregistered');
  });

  it('sees one first among five connections counted at once, and one offline and one left among five closed at once', async () => {
    const ids = ['d1', 'd2', 'd3', 'd4', 'd5'];
    const opened = await Promise.all(ids.map((id) => registerConnection(deps, 'dan', id)));
    expect(opened.filter((o) => o.first)).toHaveLength(1);
    const joined = await Promise.all(ids.map((id) => countSubscription(deps, 'dan', 'r', id)));
    expect(joined.filter((j) => j === 'first')).toHaveLength(1);

    const closed = await Promise.all(ids.map((id) => uncountConnection(deps, 'dan', id, ['r', 'other'])));
    expect(closed.filter((c) => c.offline)).toHaveLength(1);
    expect(closed.flatMap((c) => c.left).filter((room) => room === 'r')).toHaveLength(1);
    // The user is offline: the item is gone, with nothing stale left in it.
    expect(await item('dan')).toBeUndefined();
  });

  it('counts a user in every room of their last connection as gone when it closes', async () => {
    await registerConnection(deps, 'eve', 'e1');
    await countSubscription(deps, 'eve', 'r1', 'e1');
    expect(await uncountConnection(deps, 'eve', 'e1', ['r1', 'r2'])).toEqual({
      left: ['r1', 'r2'],
      offline: true,
    });
  });

  it('starts afresh from an item past its expiry, whose connections are all gone', async () => {
    await deps.db.send(
      new PutCommand({
        TableName: 'counts',
        Item: {
          ...keys.livePresence('fay'),
          conns: new Set(['dead']),
          [keys.livePresenceRoom('r')]: new Set(['dead']),
          expiresAt: Math.floor(clock / 1000) - 1,
        },
      }),
    );
    expect(await registerConnection(deps, 'fay', 'f1')).toEqual({ first: true, others: [] });
    expect(await countSubscription(deps, 'fay', 'r', 'f1')).toBe('first');
    expect(await uncountConnection(deps, 'fay', 'f1', ['r'])).toEqual({ left: ['r'], offline: true });
    clock += 1000;
  });

  it('lets one caller claim a departure in a room', async () => {
    const claims = await Promise.all([1, 2, 3].map(() => claimDeparture(deps, 'g1', 'r')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimDeparture(deps, 'g1', 'other')).toBe(true);
  });
});
