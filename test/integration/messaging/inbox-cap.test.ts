import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { Frame, TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { api } from '../http/http-fixtures.ts';
import { inboxOf, request, send, unlimited } from './inbox-fixtures.ts';

// The defaults: INBOX_MAX 1000, INBOX_MAX_PER_SENDER 100 (inbox-share.test.ts has small ones).
let rt: TestRuntime;

let spam: TestSocket;

// spam1 fills the inbox of vic1, who is offline, with its 100, ten at a time.
beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: unlimited });
  spam = await rt.connect('spam1');
  const answers: Frame[] = [];
  for (let i = 0; i < 100; i += 10) {
    answers.push(
      ...(await Promise.all(Array.from({ length: 10 }, (_, j) => send(spam, 'vic1', `m${i + j}`)))),
    );
  }
  expect(answers.filter((a) => a.type === 'reply')).toHaveLength(100);
}, 60_000);
afterAll(async () => {
  await spam?.close();
  await rt?.stop();
});

describe('Inbox share per sender, at the default 100', () => {
  it('answers INBOX_FULL to the 101st unacknowledged send and writes nothing', async () => {
    // Every item but the rate limiter's windows, which count every frame.
    const table = async () =>
      (await itemsWithPrefix(rt.db, rt.endpoints.tableName, '')).filter(
        (i) => !String(i.pk).startsWith('RATE#'),
      );
    const before = await table();
    expect(await send(spam, 'vic1', 'one too many')).toMatchObject({ type: 'error', code: 'INBOX_FULL' });
    expect(await table()).toEqual(before);
    expect((await inboxOf(rt, 'vic1')).share('spam1')).toEqual({ counted: 100, held: 100 });
  });

  it('delivers a notification to an inbox that holds 100 messages from one sender', async () => {
    const posted = await api(rt, 'POST', '/messages', {
      as: 'ops',
      roles: ['admin'],
      body: { target: { users: ['vic1'] }, data: 'maintenance tonight', from: 'ops-service' },
    });
    expect(posted.status).toBe(202);
    const inbox = await inboxOf(rt, 'vic1');
    expect(inbox.entries).toHaveLength(101);
    expect(inbox.entries.map((e) => JSON.parse(String(e.frame)).data)).toContain('maintenance tonight');
  });

  it('lets one more message through for each one acknowledged', async () => {
    const vic = await rt.connect('vic1');
    await request(vic, { action: 'sync', limit: 500 });
    const [first, second] = vic.ofType('message');
    expect((await request(vic, { action: 'ack', ids: [first!.id] })).result).toEqual({ acked: 1 });
    expect(await send(spam, 'vic1', 'after ack')).toMatchObject({ type: 'reply' });
    expect(await send(spam, 'vic1', 'full again')).toMatchObject({ type: 'error', code: 'INBOX_FULL' });
    // Acknowledging the same message twice gives its place back once.
    await request(vic, { action: 'ack', ids: [first!.id, second!.id] });
    expect(await send(spam, 'vic1', 'after the second ack')).toMatchObject({ type: 'reply' });
    expect(await send(spam, 'vic1', 'full once more')).toMatchObject({ code: 'INBOX_FULL' });
    expect((await inboxOf(rt, 'vic1')).share('spam1')).toEqual({ counted: 100, held: 100 });
    await vic.close();
  });

  it('counts out messages past their expiry that nothing deleted', async () => {
    // A hundred entries of spam5 whose expiry passed (TTL deletes late; dynalite never does), and a
    // count that still says a hundred.
    const now = Math.floor(Date.now() / 1000);
    const table = rt.endpoints.tableName;
    const expired = Array.from({ length: 100 }, (_, i) => String(i).padStart(26, '0'));
    await Promise.all(
      expired.map((messageId) =>
        rt.db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: 'INBOX#vic5',
              sk: `MSG#${messageId}`,
              messageId,
              sender: 'spam5',
              frame: '{}',
              expiresAt: now - 10,
            },
          }),
        ),
      ),
    );
    await rt.db.send(
      new PutCommand({
        TableName: table,
        Item: { pk: 'INBOX#vic5', sk: 'FROM#spam5', count: 100, checkAfter: now - 10 },
      }),
    );
    const spam5 = await rt.connect('spam5');
    expect(await send(spam5, 'vic5', 'fresh')).toMatchObject({ type: 'reply' });
    expect((await inboxOf(rt, 'vic5')).share('spam5')).toEqual({ counted: 1, held: 101 });
    const vic = await rt.connect('vic5');
    await request(vic, { action: 'sync' });
    expect(vic.ofType('message').map((m) => m.data)).toEqual(['fresh']);
    await Promise.all([spam5.close(), vic.close()]);
  });
});
