import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: { INBOX_MAX: '3' } });
});
afterAll(() => rt?.stop());

const inbox = async (userId: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${userId}`)).filter((i) =>
    String(i.sk).startsWith('MSG#'),
  );

describe('Inbox', () => {
  it('keeps at most INBOX_MAX messages per user, dropping the oldest first', async () => {
    const alice = await rt.connect('alice');
    for (let i = 0; i < 6; i += 1) await alice.request({ action: 'send', to: 'kate', data: i });
    const kate = await rt.connect('kate');
    await kate.request({ action: 'sync' });
    expect(kate.ofType('message').map((m) => m.data)).toEqual([3, 4, 5]);
    expect(await inbox('kate')).toHaveLength(3);
    await Promise.all([alice.close(), kate.close()]);
  });

  it('does not push messages past their expiry that TTL has not deleted yet', async () => {
    const frame = JSON.stringify({
      type: 'message',
      id: '00000000000000000000000001',
      from: 'x',
      data: 'old',
      ts: 1,
    });
    await rt.db.send(
      new PutCommand({
        TableName: rt.endpoints.tableName,
        Item: {
          pk: 'INBOX#liam',
          sk: 'MSG#00000000000000000000000001',
          messageId: '00000000000000000000000001',
          frame,
          expiresAt: Math.floor(Date.now() / 1000) - 1,
        },
      }),
    );
    const alice = await rt.connect('alice');
    await alice.request({ action: 'send', to: 'liam', data: 'fresh' });
    const liam = await rt.connect('liam');
    expect((await liam.request({ action: 'sync' })).result).toEqual({ delivered: 1, more: false });
    expect(liam.ofType('message').map((m) => m.data)).toEqual(['fresh']);
    await Promise.all([alice.close(), liam.close()]);
  });
});
