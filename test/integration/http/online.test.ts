import { BatchWriteCommand, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, sweepShardOf } from '../../../lambdas/core/store/keys.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { allPages, api, codeOf } from './http-fixtures.ts';

let rt: TestRuntime;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  // Members are items of a user too; the listing must not count them.
  await api(rt, 'POST', '/rooms', { as: 'ola', body: { id: 'lounge', name: 'Lounge', type: 'public' } });
  for (const user of ['ola', 'ola', 'ola', 'ola', 'ola', 'ola', 'pia', 'quinn', 'quinn', 'rex'])
    sockets.push(await rt.connect(user));
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await rt?.stop();
});

describe('Route: GET /online', () => {
  it('pages through the online users, each once with their connection count across shards', async () => {
    // Six connections of one user: in more than one of the 16 shards the listing reads in turn.
    const olaShards = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'SEEN#'))
      .filter((item) => item.userId === 'ola')
      .map((item) => item.pk);
    expect(olaShards).toHaveLength(6);
    expect(new Set(olaShards).size).toBeGreaterThan(1);
    for (const limit of [1, 2, 3, 100]) {
      const { pages, cursors } = await allPages((cursor) =>
        api(rt, 'GET', `/online?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
          as: 'root',
          roles: ['admin'],
        }),
      );
      expect(cursors.at(-1)).toBeNull();
      expect(pages.every((page) => page.length <= limit)).toBe(true);
      const listed = pages.flat() as { user: string; connections: number }[];
      expect(listed.sort((a, b) => a.user.localeCompare(b.user))).toEqual([
        { user: 'ola', connections: 6 },
        { user: 'pia', connections: 1 },
        { user: 'quinn', connections: 2 },
        { user: 'rex', connections: 1 },
      ]);
    }
  });

  it('lists the user of a connection whose last-seen record predates the user in it, from its record', async () => {
    // Written before last-seen records named their user: only the connection record does.
    const connectionId = 'LegacyConn0000A=';
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    await rt.db.send(
      new PutCommand({
        TableName: rt.endpoints.tableName,
        Item: { ...keys.seen(connectionId), connectionId, lastSeenAt: Date.now(), expiresAt },
      }),
    );
    await rt.db.send(
      new PutCommand({
        TableName: rt.endpoints.tableName,
        Item: {
          ...keys.connection(connectionId),
          type: 'connection',
          connectionId,
          userId: 'lena',
          expiresAt,
        },
      }),
    );
    try {
      const answer = await api(rt, 'GET', '/online?limit=100', { as: 'root', roles: ['admin'] });
      expect((answer.body as { items: unknown[] }).items).toContainEqual({ user: 'lena', connections: 1 });
    } finally {
      for (const Key of [keys.seen(connectionId), keys.connection(connectionId)])
        await rt.db.send(new DeleteCommand({ TableName: rt.endpoints.tableName, Key }));
    }
  });

  it('lists a user with 300 connections once, with their count, leaving out a counted one whose record is gone', async () => {
    // Seeded records, not sockets: 300 last-seen records of one user and the live-presence
    // item counting them, plus an id whose close stopped before its count (no record), first
    // in the listing's order (shard 0, and '0' sorts before 'M').
    const live = Array.from({ length: 300 }, (_, n) => `Many${String(n).padStart(11, '0')}=`);
    const stale = Array.from({ length: 200 }, (_, n) => `0Stale${String(n).padStart(9, '0')}=`).find(
      (id) => sweepShardOf(id) === 0,
    ) as string;
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    const items = [
      ...live.map((connectionId) => ({
        ...keys.seen(connectionId),
        connectionId,
        userId: 'mob',
        lastSeenAt: Date.now(),
        expiresAt,
      })),
      {
        ...keys.livePresence('mob'),
        type: 'live-presence',
        userId: 'mob',
        conns: new Set([...live, stale]),
        expiresAt,
      },
    ];
    const write = async (requests: Record<string, unknown>[]) => {
      for (let i = 0; i < requests.length; i += 25)
        await rt.db.send(
          new BatchWriteCommand({
            RequestItems: { [rt.endpoints.tableName]: requests.slice(i, i + 25) as never },
          }),
        );
    };
    await write(items.map((Item) => ({ PutRequest: { Item } })));
    try {
      for (const limit of [1, 100]) {
        const { pages, cursors } = await allPages((cursor) =>
          api(rt, 'GET', `/online?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
            as: 'root',
            roles: ['admin'],
          }),
        );
        expect(cursors.at(-1)).toBeNull();
        const listed = pages.flat() as { user: string; connections: number }[];
        expect(listed.filter((entry) => entry.user === 'mob')).toEqual([{ user: 'mob', connections: 300 }]);
        expect(listed.filter((entry) => entry.user === 'ola')).toEqual([{ user: 'ola', connections: 6 }]);
      }
    } finally {
      await write(items.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })));
    }
  });

  it('refuses a user without the admin role with 403', async () => {
    const answer = await api(rt, 'GET', '/online', { as: 'pia' });
    expect([answer.status, codeOf(answer)]).toEqual([403, 'FORBIDDEN']);
  });

  it('rejects a cursor that is not one of its own with 400', async () => {
    const cursor = Buffer.from(JSON.stringify({ pk: 'x' })).toString('base64url');
    const answer = await api(rt, 'GET', `/online?cursor=${cursor}`, { as: 'root', roles: ['admin'] });
    expect([answer.status, codeOf(answer)]).toEqual([400, 'BAD_REQUEST']);
  });
});
