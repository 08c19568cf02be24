import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WaveletError } from '../../../client/errors.ts';
import { Requests } from '../../../client/requests.ts';

type Frame = Record<string, unknown>;

function setup(options: { maxQueuedFrames?: number; rateLimitRetries?: number } = {}) {
  const wire = { open: true, sent: [] as Frame[] };
  const requests = new Requests({
    write: (text) => {
      if (!wire.open) return false;
      wire.sent.push(JSON.parse(text) as Frame);
      return true;
    },
    requestTimeoutMs: 1000,
    maxQueuedFrames: options.maxQueuedFrames ?? 3,
    rateLimitRetries: options.rateLimitRetries ?? 2,
    random: () => 0,
  });
  const reply = (frame: Frame | undefined, result: unknown) =>
    requests.handleAnswer({ type: 'reply', ref: frame?.ref, result });
  return { wire, requests, reply };
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Class: Requests', () => {
  it('gives each frame a ref and resolves with the result of the reply carrying it', async () => {
    const { wire, requests, reply } = setup();
    const first = requests.request(() => ({ action: 'ping' }));
    const second = requests.request(() => ({ action: 'who', room: 'r' }));
    expect(wire.sent.map((f) => f.ref)).toEqual([expect.any(String), expect.any(String)]);
    expect(wire.sent[0]?.ref).not.toBe(wire.sent[1]?.ref);
    reply(wire.sent[1], { users: [] });
    reply(wire.sent[0], { ts: 1 });
    await expect(first).resolves.toEqual({ ts: 1 });
    await expect(second).resolves.toEqual({ users: [] });
  });

  it('rejects with TIMEOUT when no reply comes within the timeout, and ignores a late reply', async () => {
    const { wire, requests, reply } = setup();
    const answer = rejection(requests.request(() => ({ action: 'ping' })));
    await vi.advanceTimersByTimeAsync(999);
    reply(undefined, {}); // an answer to nothing
    await vi.advanceTimersByTimeAsync(1);
    const error = (await answer) as WaveletError;
    expect(error).toBeInstanceOf(WaveletError);
    expect(error.code).toBe('TIMEOUT');
    expect(reply(wire.sent[0], { ts: 1 })).toBe(false);
  });

  it('starts the timeout when the frame is written, not while it waits for a connection', async () => {
    const { wire, requests, reply } = setup();
    wire.open = false;
    const answer = requests.request(() => ({ action: 'send', to: 'b', data: 1, id: 'k1' }));
    await vi.advanceTimersByTimeAsync(60_000);
    wire.open = true;
    requests.flush();
    await vi.advanceTimersByTimeAsync(500);
    reply(wire.sent[0], { messageId: 'm1', ts: 1 });
    await expect(answer).resolves.toEqual({ messageId: 'm1', ts: 1 });
  });

  it('rejects with the error frame code as a WaveletError', async () => {
    const { wire, requests } = setup();
    const answer = rejection(requests.request(() => ({ action: 'join', room: 'x' })));
    requests.handleAnswer({ type: 'error', ref: wire.sent[0]?.ref, code: 'FORBIDDEN', message: 'private' });
    expect(await answer).toMatchObject({ name: 'WaveletError', code: 'FORBIDDEN', message: 'private' });
  });

  it('queues frames while disconnected up to the bound, and rejects more with QUEUE_FULL', async () => {
    const { wire, requests } = setup({ maxQueuedFrames: 3 });
    wire.open = false;
    const queued = [1, 2, 3].map((i) => requests.request(() => ({ action: 'send', to: 'b', data: i })));
    const overflow = (await rejection(
      requests.request(() => ({ action: 'send', to: 'b', data: 4 })),
    )) as WaveletError;
    expect(overflow.code).toBe('QUEUE_FULL');
    expect(requests.queuedCount).toBe(3);
    wire.open = true;
    requests.flush();
    expect(wire.sent.map((f) => f.data)).toEqual([1, 2, 3]);
    for (const f of wire.sent) requests.handleAnswer({ type: 'reply', ref: f.ref, result: f.data });
    await expect(Promise.all(queued)).resolves.toEqual([1, 2, 3]);
  });

  it("refuses a frame over API Gateway's 32 KB frame limit before it goes out", async () => {
    const { wire, requests } = setup();
    const big = 'é'.repeat(17_000); // 34,000 bytes of UTF-8 in 17,000 characters
    const error = await rejection(requests.request(() => ({ action: 'send', to: 'b', data: big })));
    expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(wire.sent).toHaveLength(0);
    const fits = requests.request(() => ({ action: 'send', to: 'b', data: 'x'.repeat(30_000) }));
    expect(wire.sent).toHaveLength(1);
    requests.handleAnswer({ type: 'reply', ref: wire.sent[0]?.ref, result: {} });
    await fits;
  });

  it('rejects data nested more than 32 levels with BAD_REQUEST before serializing it, and sends 32', async () => {
    const { wire, requests } = setup();
    const nest = (levels: number): unknown => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i += 1) value = [value];
      return value;
    };
    const error = await rejection(requests.request(() => ({ action: 'send', to: 'b', data: nest(100_000) })));
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect(wire.sent).toHaveLength(0);
    const fits = requests.request(() => ({ action: 'send', to: 'b', data: nest(32) }));
    expect(wire.sent).toHaveLength(1);
    requests.handleAnswer({ type: 'reply', ref: wire.sent[0]?.ref, result: {} });
    await fits;
  });

  it('resends unanswered frames after a reconnect, unchanged but for a new ref, in their order', async () => {
    const { wire, requests, reply } = setup();
    const a = requests.request(() => ({ action: 'send', to: 'b', data: 'a', id: 'ka' }));
    const b = requests.request(() => ({ action: 'publish', room: 'r', data: 'b', id: 'kb' }));
    wire.open = false;
    requests.connectionLost();
    await vi.advanceTimersByTimeAsync(5000); // no timeout while waiting
    wire.open = true;
    requests.flush();
    const [resentA, resentB] = wire.sent.slice(2);
    expect(resentA).toMatchObject({ action: 'send', id: 'ka' });
    expect(resentB).toMatchObject({ action: 'publish', id: 'kb' });
    expect(resentA?.ref).not.toBe(wire.sent[0]?.ref);
    reply(resentA, 'A');
    reply(resentB, 'B');
    await expect(Promise.all([a, b])).resolves.toEqual(['A', 'B']);
  });

  it('fails internal frames at once when there is no connection, and when it drops', async () => {
    const { wire, requests } = setup();
    const inFlight = rejection(
      requests.request(() => ({ action: 'sync' }), { internal: true, resend: false }),
    );
    wire.open = false;
    requests.connectionLost();
    expect(await inFlight).toMatchObject({ code: 'CLOSED' });
    const offline = await rejection(
      requests.request(() => ({ action: 'ack', ids: ['x'] }), { internal: true }),
    );
    expect(offline).toMatchObject({ code: 'CLOSED' });
    expect(requests.queuedCount).toBe(0);
  });

  it('waits retryAfterMs after RATE_LIMITED and sends the same frame again', async () => {
    const { wire, requests, reply } = setup();
    const answer = requests.request(() => ({ action: 'send', to: 'b', data: 1, id: 'k' }));
    requests.handleAnswer({ type: 'error', ref: wire.sent[0]?.ref, code: 'RATE_LIMITED', retryAfterMs: 700 });
    await vi.advanceTimersByTimeAsync(699);
    expect(wire.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(wire.sent).toHaveLength(2);
    expect(wire.sent[1]).toMatchObject({ action: 'send', id: 'k' });
    reply(wire.sent[1], { messageId: 'm' });
    await expect(answer).resolves.toEqual({ messageId: 'm' });
  });

  it('gives up after rateLimitRetries retries with the RATE_LIMITED error and its retryAfterMs', async () => {
    const { wire, requests } = setup({ rateLimitRetries: 2 });
    const answer = rejection(requests.request(() => ({ action: 'publish', room: 'r', data: 1 })));
    for (let i = 0; i < 3; i++) {
      requests.handleAnswer({
        type: 'error',
        ref: wire.sent[i]?.ref,
        code: 'RATE_LIMITED',
        retryAfterMs: 100,
      });
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(wire.sent).toHaveLength(3);
    expect(await answer).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 100 });
  });

  it('rejects everything pending, queued or waiting with the given error', async () => {
    const { wire, requests } = setup();
    const sent = rejection(requests.request(() => ({ action: 'ping' })));
    const waiting = rejection(requests.request(() => ({ action: 'ping' })));
    requests.handleAnswer({ type: 'error', ref: wire.sent[1]?.ref, code: 'RATE_LIMITED', retryAfterMs: 100 });
    wire.open = false;
    const queued = rejection(requests.request(() => ({ action: 'ping' })));
    requests.rejectAll(new WaveletError('CLOSED', 'closed'));
    for (const r of [sent, waiting, queued]) expect(await r).toMatchObject({ code: 'CLOSED' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(wire.sent).toHaveLength(2);
  });
});
