import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochSeconds, keys } from '../../../lambdas/core/store/keys.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { ok, roomsEnv } from './room-fixtures.ts';

/** Finding 6 of issue 11: `who` with 1,000 users of 128-character ids replied ~160 KB. */
let rt: TestRuntime;
let asker: TestSocket;
const userCount = 1100;
const userIds = Array.from({ length: userCount }, (_, i) =>
  `user-${String(i).padStart(5, '0')}-`.padEnd(128, 'x'),
);

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
  asker = await rt.connect('asker');
  await ok(asker, { action: 'join', room: 'crowd' });
  // Subscriptions written straight into the table: the test is about the reply, not 1,100 joins.
  const expiresAt = epochSeconds(Date.now()) + 3600;
  const items = userIds.map((userId, i) => ({
    ...keys.subscription('crowd', `conn-${i}`),
    type: 'subscription',
    roomId: 'crowd',
    connectionId: `conn-${i}`,
    userId,
    subscribedAt: Date.now(),
    expiresAt,
  }));
  for (let i = 0; i < items.length; i += 25) {
    await rt.db.send(
      new BatchWriteCommand({
        RequestItems: {
          [rt.endpoints.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
  }
});
afterAll(async () => {
  await asker?.close();
  await rt?.stop();
});

describe('Rooms: who paging', () => {
  it('pages 1,100 users of 128-character ids in replies under 128 KB, each user once and in order', async () => {
    const sizes: number[] = [];
    asker.ws.on('message', (raw: Buffer) => sizes.push(raw.length));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const reply = await asker.request({ action: 'who', room: 'crowd', ...(cursor ? { cursor } : {}) });
      expect(reply.type).toBe('reply');
      const result = reply.result as { users: { user: string; status: string }[]; next?: string };
      seen.push(...result.users.map((u) => u.user));
      cursor = result.next;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen).toEqual([...userIds, 'asker'].sort());
    expect(pages).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThan(128 * 1024);
  });

  it('answers a cursor it did not hand out BAD_REQUEST', async () => {
    const reply = await asker.request({ action: 'who', room: 'crowd', cursor: 'bm90IGEgY3Vyc29y' });
    expect(reply).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
  });
});
