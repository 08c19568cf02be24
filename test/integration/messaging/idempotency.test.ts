import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { Frame } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  // Thirty frames at once from one user: the rate limit has its own tests.
  rt = await startTestRuntime({ functionEnv: { RATE_LIMIT_PER_SECOND: '10000', RATE_LIMIT_BURST: '10000' } });
});
afterAll(() => rt?.stop());

const inboxMessages = (userId: string) =>
  itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${userId}`).then((items) =>
    items.filter((i) => String(i.sk).startsWith('MSG#')),
  );

let busyAnswers = 0;

/** A reply's result, following RATE_LIMITED's retryAfterMs as a client does. */
async function resultOf(send: () => Promise<Frame>): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const answer = await send();
    if (answer.type === 'reply') return answer.result as Record<string, unknown>;
    if (answer.code !== 'RATE_LIMITED') throw new Error(`unexpected ${JSON.stringify(answer)}`);
    busyAnswers += 1;
    await new Promise((r) => setTimeout(r, answer.retryAfterMs as number));
  }
  throw new Error('still rate limited');
}

describe('Idempotency keys: direct messages and notifications', () => {
  it('stores and delivers 30 concurrent sends with one id once, each reply carrying the first messageId', async () => {
    const [alice, phone, laptop] = await Promise.all([
      rt.connect('alice'),
      rt.connect('bob'),
      rt.connect('bob'),
    ]);
    const frame = { action: 'send', to: 'bob', data: { text: 'once' }, id: 'burst-1' };
    const results = await Promise.all(
      Array.from({ length: 30 }, () => resultOf(() => alice.request(frame, 15_000))),
    );
    const messageIds = new Set(results.map((r) => r.messageId));
    expect(messageIds.size).toBe(1);
    expect(new Set(results.map((r) => r.ts)).size).toBe(1);

    expect(await inboxMessages('bob')).toHaveLength(1);
    // Deliveries are posted before the owner's reply; a ping round trip flushes the sockets.
    await Promise.all([phone.request({ action: 'ping' }), laptop.request({ action: 'ping' })]);
    await new Promise((r) => setTimeout(r, 300));
    for (const socket of [phone, laptop]) {
      expect(socket.ofType('message').map((m) => m.id)).toEqual([...messageIds]);
    }
    console.log(
      `30 concurrent sends with one id: ${messageIds.size} messageId, 1 inbox entry, ` +
        `1 delivery per connection, ${busyAnswers} RATE_LIMITED answers retried`,
    );
    await Promise.all([alice.close(), phone.close(), laptop.close()]);
  });

  it('answers a send retried long after the first with the first result and stores nothing', async () => {
    const [alice, carl] = await Promise.all([rt.connect('alice'), rt.connect('carl')]);
    const frame = { action: 'send', to: 'carl', data: 'later', id: 'late-1' };
    const first = await resultOf(() => alice.request(frame));
    await carl.waitFor((f) => f.type === 'message');
    await new Promise((r) => setTimeout(r, 1000));
    const again = await resultOf(() => alice.request(frame));
    expect(again).toEqual(first);
    await carl.request({ action: 'ping' });
    expect(carl.ofType('message')).toHaveLength(1);
    expect(await inboxMessages('carl')).toHaveLength(1);
    await Promise.all([alice.close(), carl.close()]);
  });

  it('stores 12 concurrent notifications with one id once per user and delivers each once', async () => {
    const [dana, dana2, eve] = await Promise.all([rt.connect('dana'), rt.connect('dana'), rt.connect('eve')]);
    const body = JSON.stringify({
      target: { users: ['dana', 'eve'] },
      data: { title: 'Order shipped' },
      id: 'order-77',
      from: 'orders-service',
    });
    await Promise.all(
      Array.from({ length: 12 }, () =>
        rt.sqs.send(
          new SendMessageCommand({ QueueUrl: rt.endpoints.queues.notifications, MessageBody: body }),
        ),
      ),
    );
    expect(
      await eventually(
        async () => (await inboxMessages('dana')).length > 0 && (await inboxMessages('eve')).length > 0,
        10_000,
      ),
    ).toBe(true);
    // Time for every one of the 12 records to be consumed and delivered, if it would be.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await inboxMessages('dana')).toHaveLength(1);
    expect(await inboxMessages('eve')).toHaveLength(1);
    for (const socket of [dana, dana2, eve]) {
      await socket.request({ action: 'ping' });
      expect(socket.ofType('notification')).toHaveLength(1);
    }
    await Promise.all([dana.close(), dana2.close(), eve.close()]);
  });
});
