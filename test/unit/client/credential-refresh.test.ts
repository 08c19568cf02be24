import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WaveletClient, type WaveletClientOptions, type WaveletError } from '../../../client/index.ts';
import { FakeSocket, FakeWebSocket } from './fake-socket.ts';

const start = 1_800_000_000_000;
/** An unsigned JWT with this sub and exp (seconds from the fake clock's now). */
const tokenFor = (sub: string, expiresInSeconds: number) =>
  `h.${Buffer.from(JSON.stringify({ sub, exp: Math.floor(Date.now() / 1000) + expiresInSeconds })).toString('base64url')}.s`;

function newClient(options: Partial<WaveletClientOptions>) {
  const client = new WaveletClient({
    url: 'ws://gateway.test/local',
    WebSocket: FakeWebSocket,
    reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
    heartbeatMs: 0,
    ...options,
  });
  const expired: WaveletError[] = [];
  client.on('expired', (e) => expired.push(e));
  client.on('error', () => undefined);
  return { client, expired };
}

const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

async function openSocket(): Promise<FakeSocket> {
  await tick();
  const socket = FakeSocket.last();
  socket.open();
  socket.reply('sync', { delivered: 0, more: false });
  await tick();
  return socket;
}

beforeEach(() => {
  vi.useFakeTimers({ now: start });
  FakeSocket.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Class: WaveletClient, credential refresh', () => {
  it('refreshes with a fresh token from the token function before the exp, and again after each refresh', async () => {
    let calls = 0;
    const token = async () => {
      calls += 1;
      return tokenFor('alice', 400);
    };
    const { client, expired } = newClient({ token });
    void client.connect();
    const socket = await openSocket();
    // A quarter of the time left, at most a minute, before the exp: 340 s in.
    await tick(339_000);
    expect(socket.ofAction('refresh')).toHaveLength(0);
    await tick(1_000);
    const [refresh] = socket.ofAction('refresh');
    expect(refresh).toMatchObject({ action: 'refresh', token: expect.any(String) });
    expect(calls).toBe(2);
    socket.reply('refresh', { expiresAt: Date.now() + 400_000 });
    await tick(340_000);
    expect(socket.ofAction('refresh')).toHaveLength(2);
    expect(expired).toEqual([]);
    expect(FakeSocket.instances).toHaveLength(1);
    await client.close();
  });

  it('refreshes with a new ticket before the credentialExpiresAt the ticket function gave', async () => {
    let calls = 0;
    const ticket = async () => {
      calls += 1;
      return { ticket: `t${calls}`, credentialExpiresAt: Date.now() + 8_000 };
    };
    const { client } = newClient({ ticket });
    void client.connect();
    const socket = await openSocket();
    expect(socket.url).toContain('ticket=t1');
    await tick(6_000);
    expect(socket.ofAction('refresh')).toEqual([expect.objectContaining({ ticket: 't2' })]);
    expect(socket.ofAction('refresh')[0]).not.toHaveProperty('token');
    await client.close();
  });

  it('tells the app and reconnects with a fresh token when the server refuses the refresh', async () => {
    const token = async () => tokenFor('alice', 40);
    const { client, expired } = newClient({ token });
    void client.connect();
    const socket = await openSocket();
    await tick(30_000);
    socket.fail('refresh', 'UNAUTHORIZED');
    await tick();
    expect(expired.map((e) => e.code)).toEqual(['UNAUTHORIZED']);
    await tick(500);
    expect(FakeSocket.instances).toHaveLength(2);
    expect(FakeSocket.last().url).toContain('token=');
    await client.close();
  });

  it('tells the app with AUTH_FAILED, and keeps the socket, when the token function throws', async () => {
    let calls = 0;
    const token = async () => {
      calls += 1;
      if (calls > 1) throw new Error('signed out');
      return tokenFor('alice', 40);
    };
    const { client, expired } = newClient({ token });
    void client.connect();
    const socket = await openSocket();
    await tick(30_000);
    expect(expired.map((e) => e.code)).toEqual(['AUTH_FAILED']);
    expect(socket.ofAction('refresh')).toHaveLength(0);
    expect(FakeSocket.instances).toHaveLength(1);
    await client.close();
  });

  it('tells the app and refreshes at once when a frame is refused "credential expired"', async () => {
    const ticket = async () => 'plain-ticket';
    const { client, expired } = newClient({ ticket });
    void client.connect();
    const socket = await openSocket();
    const sent = client.send('bob', 'hi').catch((e: WaveletError) => e);
    await tick();
    const frame = socket.ofAction('send')[0];
    socket.receive({ type: 'error', ref: frame?.ref, code: 'UNAUTHORIZED', message: 'credential expired' });
    expect(await sent).toMatchObject({ code: 'UNAUTHORIZED', message: 'credential expired' });
    await tick();
    expect(expired.map((e) => e.message)).toEqual(['credential expired']);
    expect(socket.ofAction('refresh')).toEqual([expect.objectContaining({ ticket: 'plain-ticket' })]);
    await client.close();
  });

  it('tells the app before the exp of a fixed token, which it cannot refresh', async () => {
    const { client, expired } = newClient({ token: tokenFor('alice', 100) });
    void client.connect();
    const socket = await openSocket();
    await tick(76_000);
    expect(expired).toHaveLength(1);
    expect(expired[0]?.message).toMatch(/cannot be refreshed/);
    expect(socket.ofAction('refresh')).toHaveLength(0);
    await client.close();
  });

  it('stops refreshing once the client is closed', async () => {
    const token = async () => tokenFor('alice', 40);
    const { client, expired } = newClient({ token });
    void client.connect();
    const socket = await openSocket();
    await client.close();
    await tick(60_000);
    expect(socket.ofAction('refresh')).toHaveLength(0);
    expect(expired).toEqual([]);
  });
});
