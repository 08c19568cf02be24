import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConfig } from '../../../lambdas/core/config.ts';
import { subscribe } from '../../../lambdas/core/store/subscriptions.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: { DELIVERY_INLINE_MAX: '3', DELIVERY_SHARD_SIZE: '2' } });
});
afterAll(() => rt?.stop());

/** A connection record as `$connect` writes it; opened 2 minutes ago unless told, past any handshake. */
const connectionRecord = (connectionId: string, userId: string, connectedAt = Date.now() - 120_000) => ({
  pk: `CONN#${connectionId}`,
  sk: 'CONN',
  connectionId,
  userId,
  roles: [],
  connectedAt,
  lastSeenAt: connectedAt,
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
});

/** Counts a connection in its user's live-presence item, as `$connect` does (presence-counts.ts). */
const countConnection = (
  connectionId: string,
  userId: string,
  expiresAt = Math.floor(Date.now() / 1000) + 3600,
) =>
  rt.db.send(
    new UpdateCommand({
      TableName: rt.endpoints.tableName,
      Key: { pk: `LIVE#${userId}`, sk: 'LIVE' },
      UpdateExpression: 'ADD conns :c SET expiresAt = :exp, userId = :user, #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: {
        ':c': new Set([connectionId]),
        ':exp': expiresAt,
        ':user': userId,
        ':type': 'live-presence',
      },
    }),
  );

describe('Delivery', () => {
  it('removes the record of a connection API Gateway no longer knows (410) when delivering to it', async () => {
    await rt.db.send(
      new PutCommand({
        TableName: rt.endpoints.tableName,
        Item: connectionRecord('GhostConn0000A=', 'gina'),
      }),
    );
    await countConnection('GhostConn0000A=', 'gina');
    const gina = await rt.connect('gina');
    const alice = await rt.connect('alice');
    await alice.request({ action: 'send', to: 'gina', data: 'hi' });
    await gina.waitFor((f) => f.type === 'message');
    const left = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#GhostConn');
    expect(left).toHaveLength(0);
    await Promise.all([gina.close(), alice.close()]);
  });

  it('keeps a connection that answers 410 within a minute of its handshake, as one still in $connect does', async () => {
    // API Gateway answers 410 to posts while `$connect` runs: removing the records then would
    // leave the socket that opens next unreachable by every delivery.
    await rt.db.send(
      new PutCommand({
        TableName: rt.endpoints.tableName,
        Item: connectionRecord('YoungConn0000A=', 'gwen', Date.now()),
      }),
    );
    await countConnection('YoungConn0000A=', 'gwen');
    const alice = await rt.connect('alice');
    const before = rt.gateway.stats();
    await alice.request({ action: 'send', to: 'gwen', data: 'while you connect' });
    expect((rt.gateway.stats().posts410 ?? 0) - (before.posts410 ?? 0)).toBe(1);
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#YoungConn')).toHaveLength(1);
    // The message waits in the inbox for the connection's `sync`.
    const inbox = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'INBOX#gwen');
    expect(inbox.filter((item) => String(item.sk).startsWith('MSG#'))).toHaveLength(1);
    await alice.close();
  });

  it('uncounts an id a crashed close left counted, so the next message does not post to it again', async () => {
    const sid = await rt.connect('sid');
    // Counted, with no connection or last-seen record: what a close that stopped before its count
    // leaves (after sid's connect, which checks the counts it finds).
    await countConnection('LeftConn00000A=', 'sid');
    const alice = await rt.connect('alice');
    const posts410 = () => rt.gateway.stats().posts410 ?? 0;
    const before = posts410();
    await alice.request({ action: 'send', to: 'sid', data: 'one' });
    await sid.waitFor((f) => f.type === 'message' && f.data === 'one');
    expect(posts410() - before).toBe(1);
    const [live] = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'LIVE#sid');
    expect([...((live?.conns as Set<string> | undefined) ?? [])]).not.toContain('LeftConn00000A=');
    await alice.request({ action: 'send', to: 'sid', data: 'two' });
    await sid.waitFor((f) => f.type === 'message' && f.data === 'two');
    expect(posts410() - before).toBe(1);
    await Promise.all([sid.close(), alice.close()]);
  });

  it('skips the connections of a live-presence item past its expiry that TTL has not removed yet', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) - 10;
    const stale = { ...connectionRecord('StaleConn0000A=', 'hank'), expiresAt };
    await rt.db.send(new PutCommand({ TableName: rt.endpoints.tableName, Item: stale }));
    await countConnection('StaleConn0000A=', 'hank', expiresAt);
    const alice = await rt.connect('alice');
    const before = rt.gateway.stats();
    await alice.request({ action: 'send', to: 'hank', data: 'hi' });
    const after = rt.gateway.stats();
    // No post was attempted for the stale record: nothing answered 410.
    expect(after.posts410 ?? 0).toBe(before.posts410 ?? 0);
    await alice.close();
  });

  it('hands a delivery to the deliveries queue when throttled and delivers it once the gateway recovers', async () => {
    const ivan = await rt.connect('ivan');
    const alice = await rt.connect('alice');
    rt.gateway.setFaults({ throttleRate: 1 });
    const reply = await alice.request({ action: 'send', to: 'ivan', data: 'eventually' });
    expect(reply.type).toBe('reply');
    await sleep(300);
    expect(ivan.ofType('message')).toHaveLength(0);
    rt.gateway.setFaults({ throttleRate: 0 });
    // The hand-off waits 2 s on the queue before the worker retries.
    expect(await ivan.waitFor((f) => f.type === 'message', 10_000)).toMatchObject({ data: 'eventually' });
    await Promise.all([ivan.close(), alice.close()]);
  });

  it('shards a fan-out above the inline threshold onto the deliveries queue, reaching every connection once', async () => {
    const sockets = await Promise.all(Array.from({ length: 5 }, () => rt.connect('judy')));
    const alice = await rt.connect('alice');
    // Only the deliveries queue's batches: the inbox check and the bus's copy on the events queue send their own.
    const deliveryBatches = () =>
      Object.entries(rt.sqsStats())
        .filter(([key]) => /^SendMessageBatch:.*-deliveries$/.test(key))
        .reduce((n, [, v]) => n + v, 0);
    const batchesBefore = deliveryBatches();
    await alice.request({ action: 'send', to: 'judy', data: 'sharded' });
    // Five connections over an inline maximum of three: three shards of two go through the queue.
    expect(deliveryBatches() - batchesBefore).toBe(1);
    for (const s of sockets) await s.waitFor((f) => f.type === 'message', 8000);
    await sleep(300);
    for (const s of sockets) expect(s.ofType('message')).toHaveLength(1);
    await Promise.all([...sockets.map((s) => s.close()), alice.close()]);
  });

  it('announces left and offline once for a connection that a delivery worker finds gone in a shard', async () => {
    const store = {
      config: { ...getConfig(), TABLE_NAME: rt.endpoints.tableName },
      db: rt.db,
      now: Date.now,
    };
    const ghost = 'GhostConn0002A=';
    await rt.db.send(
      new PutCommand({ TableName: rt.endpoints.tableName, Item: connectionRecord(ghost, 'vera') }),
    );
    const sockets = await Promise.all(['walt', 'xena', 'yuri', 'zoe'].map((user) => rt.connect(user)));
    for (const socket of sockets) await socket.request({ action: 'join', room: 'hall' });
    await subscribe(store, 'hall', { connectionId: ghost, userId: 'vera' });

    const batchesBefore = rt.sqsStats().SendMessageBatch ?? 0;
    await sockets[0]?.request({ action: 'publish', room: 'hall', data: 'sharded' });
    const isVera = (event: string) => (f: { type?: unknown; event?: unknown; user?: unknown }) =>
      f.type === 'event' && f.event === event && f.user === 'vera';
    for (const socket of sockets) {
      expect(await socket.waitFor(isVera('left'), 8000)).toMatchObject({ room: 'hall' });
      expect(await socket.waitFor(isVera('presence'), 8000)).toMatchObject({ status: 'offline' });
    }
    // Five recipients over an inline maximum of three: the publish went out as shards.
    expect((rt.sqsStats().SendMessageBatch ?? 0) - batchesBefore).toBeGreaterThanOrEqual(2);
    await sleep(300);
    for (const socket of sockets) {
      expect(socket.frames.filter(isVera('left'))).toHaveLength(1);
      expect(socket.frames.filter(isVera('presence'))).toHaveLength(1);
    }
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, `CONN#${ghost}`)).toHaveLength(0);
    await Promise.all(sockets.map((s) => s.close()));
  });
});
