import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  GapEvent,
  MessageFrame,
  NotificationFrame,
  WaveletClient,
  WaveletEvents,
} from '../../../client/index.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';
import { clientEnv, clientFor, eventually, ticketFetcher } from './client-fixtures.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: clientEnv });
});
afterAll(() => rt?.stop());

/** Records every event of the given kinds. */
function record<E extends keyof WaveletEvents>(client: WaveletClient, ...events: E[]) {
  const seen: { event: E; payload: WaveletEvents[E] }[] = [];
  for (const event of events) client.on(event, (payload) => seen.push({ event, payload }));
  return {
    all: seen,
    of: <K extends E>(event: K) =>
      seen.filter((s) => s.event === event).map((s) => s.payload as WaveletEvents[K]),
  };
}

describe('Class: WaveletClient, against the local runtime', () => {
  it('speaks every action of the protocol and passes on the events they cause', async () => {
    const alice = clientFor(rt, 'api-alice').client;
    const bob = clientFor(rt, 'api-bob').client;
    const seen = record(alice, 'message', 'joined', 'left', 'presence', 'typing', 'read');
    await Promise.all([alice.connect(), bob.connect()]);

    expect(await alice.join('api')).toEqual({
      room: 'api',
      epoch: expect.any(Number),
      seq: 0,
      recovered: 0,
      complete: true,
    });
    await bob.join('api');
    await eventually(() => seen.of('joined').length === 1, 5000, 'joined');
    expect(seen.of('joined')[0]).toMatchObject({ room: 'api', user: 'api-bob' });

    expect(await bob.publish('api', { text: 'one' })).toEqual({
      messageId: expect.any(String),
      seq: 1,
      ts: expect.any(Number),
    });
    expect(await bob.send('api-alice', { text: 'dm' })).toEqual({
      messageId: expect.any(String),
      ts: expect.any(Number),
    });
    await eventually(() => seen.of('message').length === 2, 5000, 'messages');
    expect(seen.of('message')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'message',
          from: 'api-bob',
          room: 'api',
          seq: 1,
          data: { text: 'one' },
        }),
        expect.objectContaining({ type: 'message', from: 'api-bob', to: 'api-alice', data: { text: 'dm' } }),
      ]),
    );

    const page = await alice.history('api', { limit: 10 });
    expect(page).toEqual({
      messages: [expect.objectContaining({ seq: 1, from: 'api-bob', data: { text: 'one' } })],
      next: null,
    });
    expect(await alice.read('api', 1)).toEqual({ unread: 0 });
    bob.typing('api', 'start');
    expect(await bob.setStatus('away')).toEqual({ status: 'away' });
    expect((await alice.who('api')).users).toEqual(
      expect.arrayContaining([
        { user: 'api-alice', status: 'online' },
        { user: 'api-bob', status: 'away' },
      ]),
    );
    expect(await alice.ping()).toEqual({ ts: expect.any(Number) });
    await eventually(
      () => seen.of('typing').length === 1 && seen.of('presence').length === 1,
      5000,
      'events',
    );
    expect(seen.of('typing')[0]).toMatchObject({ room: 'api', user: 'api-bob', state: 'start' });
    expect(seen.of('presence')[0]).toMatchObject({ room: 'api', user: 'api-bob', status: 'away' });

    expect(await bob.leave('api')).toEqual({ room: 'api' });
    await eventually(() => seen.of('left').length === 1, 5000, 'left');
    await Promise.all([alice.close(), bob.close()]);
  });

  it('connects with a token, as a server or tool would, and knows the user from it', async () => {
    const token = await rt.token('token-user');
    const { client } = clientFor(rt, 'ignored', { ticket: undefined, token, userId: undefined });
    expect(client.userId).toBe('token-user');
    await client.connect();
    expect(await client.send('token-user', 'to myself')).toEqual({
      messageId: expect.any(String),
      ts: expect.any(Number),
    });
    await client.close();
  });

  it('retries with a fresh ticket when the handshake refuses one', async () => {
    const real = ticketFetcher(rt, 'retry-user');
    let calls = 0;
    const { client } = clientFor(rt, 'retry-user', {
      ticket: async () => {
        calls += 1;
        return calls === 1 ? 'not-a-ticket' : real.fetchTicket();
      },
    });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    await client.connect();
    expect(calls).toBe(2);
    // The refused handshake is reported (the client goes on with the fresh ticket, which works).
    expect(errors).toEqual(['AUTH_FAILED']);
    expect(client.state).toBe('open');
    await client.close();
  });

  it('rejects with the protocol error code', async () => {
    const alice = clientFor(rt, 'err-alice').client;
    await alice.connect();
    await expect(alice.history('no-such-room')).rejects.toMatchObject({
      name: 'WaveletError',
      code: 'NOT_FOUND',
    });
    await expect(alice.publish('bad room!', 1)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await alice.close();
  });

  it('delivers a notification once and acknowledges it, so it is not synced again', async () => {
    const first = clientFor(rt, 'note-alice');
    const notes: NotificationFrame[] = [];
    first.client.on('notification', (n) => notes.push(n));
    await first.client.connect();
    await rt.sqs.send(
      new SendMessageCommand({
        QueueUrl: rt.endpoints.queues.notifications,
        MessageBody: JSON.stringify({
          target: { users: ['note-alice'] },
          data: { title: 'Shipped' },
          from: 'orders',
        }),
      }),
    );
    await eventually(() => notes.length === 1, 10_000, 'the notification');
    expect(notes[0]).toMatchObject({ type: 'notification', from: 'orders', data: { title: 'Shipped' } });
    await sleep(200); // the ack goes out
    await first.client.close();

    // A new client (no memory of ids) finds the inbox empty: the ack removed it.
    const second = clientFor(rt, 'note-alice');
    const again: NotificationFrame[] = [];
    second.client.on('notification', (n) => again.push(n));
    await second.client.connect();
    await clientFor(rt, 'note-bob')
      .client.connect()
      .then(() => undefined);
    await sleep(500);
    expect(again).toEqual([]);
    await second.client.close();
  });

  it('sees a live gap when deliveries fail, and recovers the room in order from history', async () => {
    const alice = clientFor(rt, 'gap-alice').client;
    const bob = clientFor(rt, 'gap-bob').client;
    const got: MessageFrame[] = [];
    const gaps: GapEvent[] = [];
    alice.on('message', (m) => got.push(m));
    alice.on('gap', (g) => gaps.push(g));
    await Promise.all([alice.connect(), bob.connect()]);
    await alice.join('gaps');
    await bob.join('gaps');
    const publish = async (from: number, to: number) => {
      for (let i = from; i <= to; i++) await bob.publish('gaps', { i });
    };
    await publish(1, 3);
    // Every post fails: the deliveries of 4 and 5 are handed to the deliveries queue for later,
    // so 6 arrives first.
    rt.gateway.setFaults({ serverErrorRate: 1 });
    try {
      await publish(4, 5);
    } finally {
      rt.gateway.setFaults({ serverErrorRate: 0 });
    }
    await publish(6, 8);
    await eventually(() => got.length >= 8, 10_000, '8 room messages');
    expect(got.map((m) => [m.seq, m.recovered ?? false])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
      [5, true],
      [6, false],
      [7, false],
      [8, false],
    ]);
    expect(gaps[0]).toEqual({ room: 'gaps', expectedSeq: 4, receivedSeq: 6 });
    // The late deliveries from the queue come and are dropped as duplicates.
    await sleep(3000);
    expect(got).toHaveLength(8);
    expect(gaps).toHaveLength(1);
    await Promise.all([alice.close(), bob.close()]);
  });
});
