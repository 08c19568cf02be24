import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ConnectionState,
  type MessageFrame,
  WaveletClient,
  type WaveletClientOptions,
  WaveletError,
} from '../../../client/index.ts';
import { FakeSocket, FakeWebSocket, type Frame } from './fake-socket.ts';

let ticketCalls = 0;
const ticket = async () => {
  ticketCalls += 1;
  return `t${ticketCalls}`;
};

function newClient(options: Partial<WaveletClientOptions> = {}) {
  const client = new WaveletClient({
    url: 'ws://gateway.test/local',
    ticket,
    WebSocket: FakeWebSocket,
    reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
    heartbeatMs: 0,
    ...options,
  });
  const states: ConnectionState[] = [];
  const messages: MessageFrame[] = [];
  const errors: WaveletError[] = [];
  client.on('state', (s) => states.push(s));
  client.on('message', (m) => messages.push(m));
  client.on('error', (e) => errors.push(e));
  return { client, states, messages, errors };
}

/** Lets the ticket promise resolve and the socket be created. */
const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

/** Opens the newest socket and answers its first sync with an empty inbox. */
async function openSocket(): Promise<FakeSocket> {
  await tick();
  const socket = FakeSocket.last();
  socket.open();
  socket.reply('sync', { delivered: 0, more: false });
  await tick();
  return socket;
}

const direct = (id: string, data: unknown = id): Frame => ({
  type: 'message',
  id,
  from: 'bob',
  to: 'alice',
  data,
  ts: 1,
});
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
  ticketCalls = 0;
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('Class: WaveletClient', () => {
  describe('Method: connect', () => {
    it('connects with a fresh ticket and the device, then syncs before anything else', async () => {
      const { client, states } = newClient({ device: 'phone' });
      const connected = client.connect();
      expect(client.state).toBe('connecting');
      await tick();
      const socket = FakeSocket.last();
      expect(socket.url).toBe('ws://gateway.test/local?ticket=t1&device=phone');
      socket.open();
      await connected;
      expect(socket.sent[0]).toMatchObject({ action: 'sync', limit: 100, ref: expect.any(String) });
      expect(states).toEqual(['connecting', 'open']);
    });

    it('connects with a token, and knows the user from its sub', async () => {
      const payload = Buffer.from(JSON.stringify({ sub: 'alice' })).toString('base64url');
      const token = `h.${payload}.s`;
      const { client } = newClient({ ticket: undefined, token });
      expect(client.userId).toBe('alice');
      void client.connect();
      await tick();
      expect(FakeSocket.last().url).toBe(`ws://gateway.test/local?token=${encodeURIComponent(token)}`);
    });

    it('requires a WebSocket and credentials', () => {
      expect(() => new WaveletClient({ url: 'ws://x', ticket })).toThrow(/WebSocket/);
      expect(() => new WaveletClient({ url: 'ws://x', WebSocket: FakeWebSocket })).toThrow(
        /ticket function or a token/,
      );
    });
  });

  describe('Reconnecting', () => {
    it('reconnects after a drop with a new ticket, within the first backoff window', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.5);
      const { client, states } = newClient();
      void client.connect();
      const first = await openSocket();
      first.drop(1001);
      expect(client.state).toBe('reconnecting');
      await tick(49);
      expect(FakeSocket.instances).toHaveLength(1);
      await tick(1);
      const second = FakeSocket.last();
      expect(second).not.toBe(first);
      expect(second.url).toContain('ticket=t2');
      await openSocket();
      expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
      expect(ticketCalls).toBe(2);
    });

    it('backs off exponentially up to the cap while attempts fail, calling the ticket function each time', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.999);
      const { client, errors } = newClient();
      void client.connect();
      await openSocket();
      FakeSocket.last().drop();
      const waits: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const before = FakeSocket.instances.length;
        let waited = 0;
        while (FakeSocket.instances.length === before) {
          await tick(1);
          waited += 1;
        }
        waits.push(waited);
        FakeSocket.last().refuse();
      }
      // Draws at the top of windows of 100 (the drop), 100, 200, 400 and 400 (capped) ms.
      expect(waits).toEqual([99, 99, 199, 399, 399]);
      expect(ticketCalls).toBe(6);
      expect(errors.map((e) => e.code)).toEqual(Array(5).fill('CONNECTION_FAILED'));
    });

    it('gives up after maxAttempts failed attempts: closed, and connect() rejects', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const { client, states } = newClient({ reconnect: { initialDelayMs: 10, maxAttempts: 3 } });
      const connected = rejection(client.connect());
      for (let i = 0; i < 3; i++) {
        await tick(1);
        FakeSocket.last().refuse();
      }
      await tick(10);
      expect(await connected).toMatchObject({ code: 'CONNECTION_FAILED' });
      expect(FakeSocket.instances).toHaveLength(3);
      expect(states.at(-1)).toBe('closed');
    });

    it('counts a failing ticket function as a failed attempt and retries', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      let calls = 0;
      const { client, errors } = newClient({
        ticket: async () => {
          calls += 1;
          if (calls === 1) throw new Error('session expired');
          return 'fresh';
        },
      });
      void client.connect();
      await tick(1);
      expect(errors[0]).toMatchObject({ code: 'AUTH_FAILED' });
      await tick(1);
      expect(FakeSocket.last().url).toContain('ticket=fresh');
    });

    it('counts a ticket function that hangs past requestTimeoutMs as a failed attempt', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      let calls = 0;
      const { client, errors } = newClient({
        requestTimeoutMs: 500,
        ticket: () => {
          calls += 1;
          return calls === 1 ? new Promise<string>(() => undefined) : Promise.resolve('fresh');
        },
      });
      void client.connect();
      await tick(499);
      expect(FakeSocket.instances).toHaveLength(0);
      await tick(1);
      expect(errors[0]).toMatchObject({ code: 'AUTH_FAILED' });
      await tick(1);
      expect(FakeSocket.last().url).toContain('ticket=fresh');
    });

    it('retries at once when the browser reports the network is back', async () => {
      const window = new EventTarget();
      vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
      vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
      vi.spyOn(Math, 'random').mockReturnValue(0.999);
      const { client } = newClient({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
      void client.connect();
      await openSocket();
      FakeSocket.last().drop();
      await tick(1000);
      expect(FakeSocket.instances).toHaveLength(1);
      window.dispatchEvent(new Event('online'));
      await tick();
      expect(FakeSocket.instances).toHaveLength(2);
    });
  });

  describe('Heartbeats', () => {
    it('pings every heartbeatMs while the pings are answered', async () => {
      const { client } = newClient({ heartbeatMs: 1000, heartbeatTimeoutMs: 300 });
      void client.connect();
      const socket = await openSocket();
      for (let i = 1; i <= 3; i++) {
        await tick(1000);
        expect(socket.ofAction('ping')).toHaveLength(i);
        socket.reply('ping', { ts: i });
      }
      expect(FakeSocket.instances).toHaveLength(1);
    });

    it('drops a socket whose ping goes unanswered and reconnects', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const { client, states } = newClient({ heartbeatMs: 1000, heartbeatTimeoutMs: 300 });
      void client.connect();
      const socket = await openSocket();
      await tick(1000);
      expect(socket.ofAction('ping')).toHaveLength(1);
      await tick(299);
      expect(client.state).toBe('open');
      await tick(1);
      expect(socket.readyState).toBe(3);
      expect(states.at(-1)).toBe('reconnecting');
      await tick(1);
      expect(FakeSocket.instances).toHaveLength(2);
    });

    it('skips the idle ping while other frames go out, but pings every lastSeenMs all the same', async () => {
      const { client } = newClient({ heartbeatMs: 1000, lastSeenMs: 2500, deadSocketMs: 10_000 });
      void client.connect();
      const socket = await openSocket();
      // A publish every 600 ms keeps API Gateway's idle timer from running out: no idle ping.
      for (let t = 600; t <= 2400; t += 600) {
        await tick(600);
        void client.publish('general', { t });
        socket.reply('publish', { id: `p${t}`, ts: t });
      }
      expect(socket.ofAction('ping')).toHaveLength(0);
      await tick(100);
      expect(socket.ofAction('ping')).toHaveLength(1);
    });

    it('pings an idle client every 8 minutes by default: each silence stays inside the 10-minute idle timeout', async () => {
      const { client } = newClient({ heartbeatMs: undefined });
      void client.connect();
      const socket = await openSocket();
      for (let i = 1; i <= 3; i++) {
        await tick(8 * 60_000 - 1);
        expect(socket.ofAction('ping')).toHaveLength(i - 1);
        await tick(1);
        expect(socket.ofAction('ping')).toHaveLength(i);
        socket.reply('ping', { ts: i });
      }
    });

    it('detects a dead idle socket within 8 minutes 10 seconds by default, and sooner with deadSocketMs', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const { client } = newClient({ heartbeatMs: undefined });
      void client.connect();
      const socket = await openSocket();
      // The socket dies silently: nothing it is sent is answered.
      await tick(8 * 60_000 + 9_999);
      expect(socket.readyState).not.toBe(3);
      await tick(1);
      expect(socket.readyState).toBe(3);
      expect(client.state).toBe('reconnecting');

      FakeSocket.reset();
      const quick = newClient({ heartbeatMs: undefined, deadSocketMs: 30_000, heartbeatTimeoutMs: 5_000 });
      void quick.client.connect();
      const second = await openSocket();
      await tick(34_999);
      expect(second.readyState).not.toBe(3);
      await tick(1);
      expect(second.readyState).toBe(3);
    });

    it('pings only after heartbeatMs of silence when lastSeenMs and deadSocketMs are 0', async () => {
      const { client } = newClient({ heartbeatMs: 1000, lastSeenMs: 0, deadSocketMs: 0 });
      void client.connect();
      const socket = await openSocket();
      await tick(999);
      expect(socket.ofAction('ping')).toHaveLength(0);
      await tick(1);
      expect(socket.ofAction('ping')).toHaveLength(1);
    });

    it('sends no heartbeats when heartbeatMs is 0', async () => {
      const { client } = newClient({ heartbeatMs: 0 });
      void client.connect();
      const socket = await openSocket();
      await tick(10 * 60_000);
      expect(socket.ofAction('ping')).toHaveLength(0);
    });
  });

  describe('Inbox', () => {
    it('passes each direct message on once and acknowledges every copy, at most 100 ids an ack', async () => {
      const { client, messages } = newClient();
      void client.connect();
      const socket = await openSocket();
      for (let i = 0; i < 150; i++) socket.receive(direct(`m${i}`));
      socket.receive(direct('m7')); // redelivered
      await tick(5000);
      expect(messages.map((m) => m.id)).toEqual(Array.from({ length: 150 }, (_, i) => `m${i}`));
      const acks = socket.ofAction('ack');
      expect(acks.every((a) => (a.ids as string[]).length <= 100)).toBe(true);
      const acked = acks.flatMap((a) => a.ids as string[]);
      expect(new Set(acked).size).toBe(150);
      expect(acked.filter((id) => id === 'm7')).toHaveLength(2);
    });

    it('acknowledges live deliveries together in one frame without ref, after ackDelayMs', async () => {
      const { client } = newClient({ ackDelayMs: 3000 });
      void client.connect();
      const socket = await openSocket();
      socket.receive(direct('a'));
      await tick(1000);
      socket.receive(direct('b'));
      socket.receive(direct('c'));
      await tick(1999);
      expect(socket.ofAction('ack')).toHaveLength(0);
      await tick(1);
      expect(socket.ofAction('ack')).toEqual([{ action: 'ack', ids: ['a', 'b', 'c'] }]);
    });

    it('sends the acks still waiting when the app closes the client', async () => {
      const { client } = newClient();
      void client.connect();
      const socket = await openSocket();
      socket.receive(direct('a'));
      socket.receive(direct('b'));
      await tick(10);
      void client.close();
      expect(socket.ofAction('ack')).toEqual([{ action: 'ack', ids: ['a', 'b'] }]);
    });

    it('drops duplicate notifications by id', async () => {
      const { client } = newClient();
      const notifications: unknown[] = [];
      client.on('notification', (n) => notifications.push(n));
      void client.connect();
      const socket = await openSocket();
      const frame = { type: 'notification', id: 'n1', from: 'orders', data: {}, ts: 1 };
      socket.receive(frame);
      socket.receive(frame);
      expect(notifications).toHaveLength(1);
    });

    it('acknowledges a synced page before asking for the next one', async () => {
      const { client, messages } = newClient();
      void client.connect();
      await tick();
      const socket = FakeSocket.last();
      socket.open();
      socket.receive(direct('a'));
      socket.receive(direct('b'));
      socket.reply('sync', { delivered: 2, more: true });
      await tick();
      expect(socket.ofAction('ack')).toEqual([expect.objectContaining({ ids: ['a', 'b'] })]);
      expect(socket.ofAction('sync')).toHaveLength(1);
      socket.reply('ack', { acked: 2 });
      await tick();
      expect(socket.ofAction('sync')).toHaveLength(2);
      socket.reply('sync', { delivered: 0, more: false });
      expect(messages).toHaveLength(2);
    });

    it('leaves acknowledging to the app with autoAck off', async () => {
      const { client } = newClient({ autoAck: false });
      void client.connect();
      const socket = await openSocket();
      socket.receive(direct('a'));
      await tick(100);
      expect(socket.ofAction('ack')).toHaveLength(0);
      const acked = client.ack(['a']);
      socket.reply('ack', { acked: 1 });
      await expect(acked).resolves.toEqual({ acked: 1 });
    });
  });

  describe('Sending across a reconnect', () => {
    it('resends an unanswered send after a reconnect with the same idempotency id', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const { client } = newClient();
      void client.connect();
      const first = await openSocket();
      const sent = client.send('bob', { text: 'hi' });
      const original = first.ofAction('send')[0]!;
      expect(original.id).toMatch(/^[0-9a-f]{32}$/);
      first.drop();
      await tick(1);
      const second = FakeSocket.last();
      second.open();
      const resent = second.ofAction('send');
      expect(resent).toEqual([expect.objectContaining({ to: 'bob', data: { text: 'hi' }, id: original.id })]);
      second.reply('send', { messageId: 'm1', ts: 5 });
      await expect(sent).resolves.toEqual({ messageId: 'm1', ts: 5 });
    });

    it('keeps an id the app gives', async () => {
      const { client } = newClient();
      void client.connect();
      const socket = await openSocket();
      void client.publish('general', 'x', { id: 'mine-1' });
      expect(socket.ofAction('publish')[0]).toMatchObject({ room: 'general', data: 'x', id: 'mine-1' });
    });

    it('sends replyTo with a reply and with a thread page, and leaves it out otherwise', async () => {
      const { client } = newClient();
      void client.connect();
      const socket = await openSocket();
      void client.publish('general', 'yes', { replyTo: 3 });
      void client.publish('general', 'plain');
      void client.history('general', { replyTo: 3, limit: 2 });
      const [reply, plain] = socket.ofAction('publish');
      expect(reply).toMatchObject({ room: 'general', data: 'yes', replyTo: 3 });
      expect(plain).not.toHaveProperty('replyTo');
      expect(socket.ofAction('history')[0]).toMatchObject({ room: 'general', replyTo: 3, limit: 2 });
    });

    it('queues while disconnected, sends in order on open, and rejects past maxQueuedFrames', async () => {
      const { client } = newClient({ maxQueuedFrames: 2 });
      const a = client.send('bob', 'a');
      const b = client.publish('r', 'b');
      const c = await rejection(client.send('bob', 'c'));
      expect(c).toBeInstanceOf(WaveletError);
      expect(c).toMatchObject({ code: 'QUEUE_FULL' });
      void client.connect();
      await tick();
      const socket = FakeSocket.last();
      socket.open();
      expect(socket.sent.map((f) => f.action)).toEqual(['sync', 'send', 'publish']);
      socket.reply('send', { messageId: 'a' });
      socket.reply('publish', { messageId: 'b' });
      await expect(Promise.all([a, b])).resolves.toEqual([{ messageId: 'a' }, { messageId: 'b' }]);
    });

    it('drops typing while disconnected instead of queueing it', async () => {
      const { client } = newClient();
      client.typing('r', 'start');
      void client.connect();
      const socket = await openSocket();
      expect(socket.ofAction('typing')).toHaveLength(0);
      client.typing('r', 'stop');
      expect(socket.ofAction('typing')).toEqual([{ action: 'typing', room: 'r', state: 'stop' }]);
    });
  });

  describe('Rooms', () => {
    it('joins again after a reconnect with since and epoch, and recovers in order', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const { client, messages } = newClient();
      void client.connect();
      const first = await openSocket();
      const joined = client.join('general');
      first.reply('join', { room: 'general', epoch: 3, seq: 10, recovered: 0, complete: true });
      await joined;
      first.receive({ type: 'message', id: 'x11', from: 'bob', room: 'general', seq: 11, data: 11, ts: 1 });
      first.drop();
      await tick(1);
      const second = FakeSocket.last();
      second.open();
      expect(second.ofAction('join')).toEqual([
        expect.objectContaining({ room: 'general', since: 11, epoch: 3 }),
      ]);
      for (const seq of [12, 13])
        second.receive({
          type: 'message',
          id: `x${seq}`,
          from: 'bob',
          room: 'general',
          seq,
          data: seq,
          ts: 1,
        });
      second.reply('join', { room: 'general', epoch: 3, seq: 13, recovered: 2, complete: true });
      expect(messages.map((m) => m.seq)).toEqual([11, 12, 13]);
    });

    it('empties the message list when a re-join finds the room in a new epoch', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const { client } = newClient();
      void client.connect();
      const first = await openSocket();
      const joined = client.join('general');
      first.reply('join', { room: 'general', epoch: 3, seq: 10, recovered: 0, complete: true });
      await joined;
      first.receive({ type: 'message', id: 'x11', from: 'bob', room: 'general', seq: 11, data: 11, ts: 1 });
      expect(client.messages('general').map((m) => m.seq)).toEqual([11]);
      first.drop();
      await tick(1);
      const second = FakeSocket.last();
      second.open();
      second.reply('join', { room: 'general', epoch: 4, seq: 0, recovered: 0, complete: false });
      await tick();
      expect(client.messages('general')).toEqual([]);
    });

    it('sends edit, delete and react with an idempotency id, and reply as a publish with replyTo', async () => {
      const { client } = newClient();
      void client.connect();
      const socket = await openSocket();
      void client.edit('general', 3, { text: 'x' });
      void client.delete('general', 3, { id: 'mine' });
      void client.react('general', 3, '👍', false);
      void client.reply('general', 3, { text: 'y' });
      const id = expect.stringMatching(/^[0-9a-f]{32}$/);
      expect(socket.ofAction('edit')).toEqual([
        expect.objectContaining({ room: 'general', seq: 3, data: { text: 'x' }, id }),
      ]);
      expect(socket.ofAction('delete')).toEqual([
        expect.objectContaining({ room: 'general', seq: 3, id: 'mine' }),
      ]);
      expect(socket.ofAction('react')).toEqual([
        expect.objectContaining({ room: 'general', seq: 3, reaction: '👍', on: false, id }),
      ]);
      expect(socket.ofAction('publish')).toEqual([
        expect.objectContaining({ room: 'general', replyTo: 3, data: { text: 'y' }, id }),
      ]);
    });

    it('forgets a room once left', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const { client } = newClient();
      void client.connect();
      const first = await openSocket();
      const joined = client.join('general');
      first.reply('join', { room: 'general', epoch: 1, seq: 0, recovered: 0, complete: true });
      await joined;
      void client.leave('general', { member: false });
      expect(first.ofAction('leave')[0]).toMatchObject({ room: 'general', member: false });
      first.drop();
      await tick(1);
      FakeSocket.last().open();
      expect(FakeSocket.last().ofAction('join')).toHaveLength(0);
    });
  });

  describe('Method: close', () => {
    it('rejects what is pending with CLOSED and does not reconnect', async () => {
      const { client, states } = newClient();
      void client.connect();
      const socket = await openSocket();
      const pending = rejection(client.ping());
      await client.close();
      expect(await pending).toMatchObject({ code: 'CLOSED' });
      expect(socket.closedWith).toEqual({ code: 1000, reason: 'client closed' });
      await tick(60_000);
      expect(FakeSocket.instances).toHaveLength(1);
      expect(states.at(-1)).toBe('closed');
      expect(await rejection(client.send('bob', 1))).toMatchObject({ code: 'CLOSED' });
    });
  });

  it('connects again after close(), as connecting, and joins the remembered rooms again', async () => {
    const { client, states } = newClient();
    void client.connect();
    const first = await openSocket();
    const joined = client.join('general');
    first.reply('join', { room: 'general', epoch: 1, seq: 7, recovered: 0, complete: true });
    await joined;
    await client.close();
    const again = client.connect();
    await tick();
    const second = FakeSocket.last();
    second.open();
    await again;
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'open']);
    expect(second.ofAction('join')).toEqual([
      expect.objectContaining({ room: 'general', since: 7, epoch: 1 }),
    ]);
  });

  it('reports an error frame that answers no request as an error event', async () => {
    const { client, errors } = newClient();
    void client.connect();
    const socket = await openSocket();
    socket.receive({ type: 'error', ref: null, code: 'BAD_REQUEST', message: 'room: invalid' });
    expect(errors).toEqual([expect.objectContaining({ code: 'BAD_REQUEST', message: 'room: invalid' })]);
  });

  it('reports a frame that is not a JSON object as an error event and carries on', async () => {
    const { client, errors, messages } = newClient();
    void client.connect();
    const socket = await openSocket();
    socket.onmessage?.({ data: 'null' });
    socket.onmessage?.({ data: 'not json' });
    socket.receive(direct('after'));
    expect(errors.map((e) => e.code)).toEqual(['INTERNAL', 'INTERNAL']);
    expect(messages.map((m) => m.id)).toEqual(['after']);
  });

  it('passes room events on by their event name', async () => {
    const { client } = newClient();
    const typing: unknown[] = [];
    const presence: unknown[] = [];
    client.on('typing', (e) => typing.push(e));
    const off = client.on('presence', (e) => presence.push(e));
    void client.connect();
    const socket = await openSocket();
    socket.receive({ type: 'event', event: 'typing', room: 'r', user: 'bob', state: 'start', ts: 1 });
    socket.receive({ type: 'event', event: 'presence', room: 'r', user: 'bob', status: 'away', ts: 1 });
    off();
    socket.receive({ type: 'event', event: 'presence', room: 'r', user: 'bob', status: 'busy', ts: 2 });
    expect(typing).toHaveLength(1);
    expect(presence).toEqual([expect.objectContaining({ status: 'away' })]);
  });
});
