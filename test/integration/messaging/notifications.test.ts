import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const notify = (body: unknown) =>
  rt.sqs.send(
    new SendMessageCommand({
      QueueUrl: rt.endpoints.queues.notifications,
      MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );

async function receiveDeadLetters(count: number) {
  const found: { body: string; reason?: string }[] = [];
  const deadline = Date.now() + 8000;
  while (found.length < count && Date.now() < deadline) {
    const { Messages } = await rt.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: rt.endpoints.deadLetterQueues.notifications,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const m of Messages ?? [])
      found.push({ body: m.Body ?? '', reason: m.MessageAttributes?.reason?.StringValue });
  }
  return found;
}

describe('Notifications queue', () => {
  it('delivers a notification put on the queue to the online user and keeps it until ack', async () => {
    const dave = await rt.connect('dave');
    await notify({ target: { users: ['dave'] }, data: { title: 'Order shipped' }, from: 'orders-service' });
    const frame = await dave.waitFor((f) => f.type === 'notification', 8000);
    expect(frame).toEqual({
      type: 'notification',
      id: expect.any(String),
      from: 'orders-service',
      data: { title: 'Order shipped' },
      ts: expect.any(Number),
    });
    await dave.close();

    const again = await rt.connect('dave');
    await again.request({ action: 'sync' });
    expect(again.ofType('notification').map((n) => n.id)).toEqual([frame.id]);
    expect(await again.request({ action: 'ack', ids: [frame.id] })).toMatchObject({ result: { acked: 1 } });
    await again.close();
  });

  it('keeps a notification for an offline user in the inbox, from "system" by default', async () => {
    await notify({ target: { users: ['olga', 'olga'] }, data: 'hello' });
    let stored: Record<string, unknown>[] = [];
    const deadline = Date.now() + 8000;
    while (stored.length === 0 && Date.now() < deadline) {
      await sleep(100);
      stored = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'INBOX#olga')).filter((i) =>
        String(i.sk).startsWith('MSG#'),
      );
    }
    expect(stored).toHaveLength(1);
    const olga = await rt.connect('olga');
    await olga.request({ action: 'sync' });
    expect(olga.ofType('notification')).toMatchObject([{ from: 'system', data: 'hello' }]);
    await olga.close();
  });

  it('moves poison notifications to the dead-letter queue with the reason, without blocking the queue', async () => {
    const paul = await rt.connect('paul');
    await notify('this is not json');
    await notify({ target: { users: [] }, data: 1 });
    await notify({ target: { users: ['paul'], room: 'r1' }, data: 1 });
    await notify({ target: { users: ['paul'] }, data: 'after the poison' });
    expect(await paul.waitFor((f) => f.type === 'notification', 8000)).toMatchObject({
      data: 'after the poison',
    });
    const dead = await receiveDeadLetters(3);
    expect(dead.map((d) => d.body).sort()).toEqual(
      [
        'this is not json',
        JSON.stringify({ target: { users: [] }, data: 1 }),
        JSON.stringify({ target: { users: ['paul'], room: 'r1' }, data: 1 }),
      ].sort(),
    );
    for (const d of dead) expect(d.reason).toMatch(/^BAD_REQUEST: /);
    await paul.close();
  });

  it('delivers a notification with the same id from the same service once', async () => {
    const quinn = await rt.connect('quinn');
    const body = { target: { users: ['quinn'] }, data: 'once', id: 'n-1', from: 'billing' };
    await notify(body);
    await quinn.waitFor((f) => f.type === 'notification', 8000);
    await notify(body);
    await notify({ ...body, data: 'marker', id: 'n-2' });
    await quinn.waitFor((f) => f.type === 'notification' && f.data === 'marker', 8000);
    expect(quinn.ofType('notification').map((n) => n.data)).toEqual(['once', 'marker']);
    await quinn.close();
  });

  it('shards a notification to many users through the deliveries queue and reaches each of them', async () => {
    const users = Array.from({ length: 60 }, (_, i) => `bulk-${i}`);
    const online = await Promise.all(users.slice(0, 3).map((u) => rt.connect(u)));
    await notify({ target: { users }, data: 'to everyone' });
    for (const s of online) await s.waitFor((f) => f.type === 'notification', 8000);
    const deadline = Date.now() + 8000;
    let count = 0;
    while (count < users.length && Date.now() < deadline) {
      await sleep(100);
      count = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'INBOX#bulk-')).filter((i) =>
        String(i.sk).startsWith('MSG#'),
      ).length;
    }
    expect(count).toBe(users.length);
    await Promise.all(online.map((s) => s.close()));
  });
});
