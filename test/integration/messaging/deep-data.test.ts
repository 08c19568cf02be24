import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { api, codeOf, messageOf } from '../http/http-fixtures.ts';

/** Finding 4 of issue 11: `data` nested thousands of levels deep, 10 KB on the wire. */
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const hostile = nested(5000);

let rt: TestRuntime;
let alice: TestSocket;
let bob: TestSocket;
let errorLines: string[];

beforeAll(async () => {
  rt = await startTestRuntime();
  alice = await rt.connect('alice');
  bob = await rt.connect('bob');
  await alice.request({ action: 'join', room: 'deep' });
});
afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await rt?.stop();
});

// The handlers run in this process: their log lines pass through these streams.
beforeEach(() => {
  errorLines = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      if (/"level":\s*"ERROR"/.test(String(chunk))) errorLines.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof stream.write);
  }
});
afterEach(() => vi.restoreAllMocks());

const written = async () =>
  (
    await Promise.all(
      ['INBOX#', 'IDEM#', 'HIST#'].map((p) => itemsWithPrefix(rt.db, rt.endpoints.tableName, p)),
    )
  ).flat().length;

async function deadLetters(count: number) {
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

describe('Deeply nested data', () => {
  it('answers a send with 5,000 levels of data BAD_REQUEST, logs no ERROR and writes nothing', async () => {
    const before = await written();
    const answered = alice.waitFor((f) => f.ref === 'deep-send');
    alice.send(`{"action":"send","ref":"deep-send","to":"bob","data":${hostile}}`);
    expect(await answered).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      message: 'data: data is nested more than 32 levels deep',
    });
    alice.send(`{"action":"publish","ref":"deep-publish","room":"deep","data":${hostile}}`);
    expect(await alice.waitFor((f) => f.ref === 'deep-publish')).toMatchObject({ code: 'BAD_REQUEST' });
    expect(alice.ws.readyState).toBe(alice.ws.OPEN);
    expect(errorLines).toEqual([]);
    expect(await written()).toBe(before);
    expect(bob.ofType('message')).toEqual([]);
  });

  it('answers an action nested 5,000 levels deep UNKNOWN_ACTION without an ERROR log', async () => {
    const answered = alice.waitFor((f) => f.ref === 'deep-action');
    alice.send(`{"action":${hostile},"ref":"deep-action"}`);
    expect(await answered).toMatchObject({ type: 'error', code: 'UNKNOWN_ACTION' });
    expect(errorLines).toEqual([]);
  });

  it('accepts data exactly 32 levels deep and refuses 33', async () => {
    const ok = await alice.request({ action: 'send', to: 'bob', data: JSON.parse(nested(32)) });
    expect(ok).toMatchObject({ type: 'reply', result: { messageId: expect.any(String) } });
    const message = await bob.waitFor((f) => f.type === 'message');
    expect(JSON.stringify(message.data)).toBe(nested(32));
    const published = await alice.request({ action: 'publish', room: 'deep', data: JSON.parse(nested(32)) });
    expect(published).toMatchObject({ type: 'reply', result: { seq: expect.any(Number) } });
    const refused = await alice.request({ action: 'send', to: 'bob', data: JSON.parse(nested(33)) });
    expect(refused).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    const deepObject = JSON.parse(`${'{"a":'.repeat(33)}1${'}'.repeat(33)}`);
    const refusedObject = await alice.request({ action: 'publish', room: 'deep', data: deepObject });
    expect(refusedObject).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
  });

  it('answers POST /messages with deep data 400, logs no ERROR and writes nothing', async () => {
    const before = await written();
    const answer = await api(rt, 'POST', '/messages', {
      as: 'ops',
      roles: ['admin'],
      rawBody: `{"target":{"users":["bob"]},"data":${hostile}}`,
    });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('BAD_REQUEST');
    expect(messageOf(answer)).toMatch(/nested more than 32 levels/);
    expect(errorLines).toEqual([]);
    expect(await written()).toBe(before);
  });

  it('moves a deep queue record to the dead-letter queue with the reason on its first receive', async () => {
    const before = await written();
    const body = `{"target":{"users":["bob"]},"data":${hostile}}`;
    await rt.sqs.send(
      new SendMessageCommand({ QueueUrl: rt.endpoints.queues.notifications, MessageBody: body }),
    );
    // A redrive would take several receives and bring no reason: the reason says the consumer moved it.
    const [dead] = await deadLetters(1);
    expect(dead?.body).toBe(body);
    expect(dead?.reason).toBe('BAD_REQUEST: data: data is nested more than 32 levels deep');
    expect(errorLines).toEqual([]);
    expect(await written()).toBe(before);
  });
});
