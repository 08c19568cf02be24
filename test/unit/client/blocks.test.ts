import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ServerErrorCode, WaveletClient, WaveletError } from '../../../client/index.ts';
import { FakeSocket, FakeWebSocket } from './fake-socket.ts';

function newClient() {
  return new WaveletClient({
    url: 'ws://gateway.test/local',
    ticket: async () => 't1',
    WebSocket: FakeWebSocket,
    heartbeatMs: 0,
  });
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

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Class: WaveletClient', () => {
  describe('Method: block', () => {
    it('sends a block frame and resolves with how many users are blocked', async () => {
      const client = newClient();
      void client.connect();
      const socket = await openSocket();
      const blocked = client.block('mallory');
      await tick();
      expect(socket.ofAction('block')).toEqual([
        { action: 'block', user: 'mallory', ref: expect.any(String) },
      ]);
      socket.reply('block', { blocked: 3 });
      await expect(blocked).resolves.toEqual({ blocked: 3 });
      await client.close();
    });

    it('rejects with the server error code, e.g. BAD_REQUEST for blocking yourself', async () => {
      const client = newClient();
      void client.connect();
      const socket = await openSocket();
      const blocked = rejection(client.block('me'));
      await tick();
      socket.fail('block', 'BAD_REQUEST');
      expect(await blocked).toMatchObject({ name: 'WaveletError', code: 'BAD_REQUEST' });
      await client.close();
    });
  });

  describe('Method: unblock', () => {
    it('sends an unblock frame and resolves with how many users are still blocked', async () => {
      const client = newClient();
      void client.connect();
      const socket = await openSocket();
      const unblocked = client.unblock('mallory');
      await tick();
      expect(socket.ofAction('unblock')).toEqual([
        { action: 'unblock', user: 'mallory', ref: expect.any(String) },
      ]);
      socket.reply('unblock', { blocked: 0 });
      await expect(unblocked).resolves.toEqual({ blocked: 0 });
      await client.close();
    });
  });

  describe('Method: send', () => {
    it('rejects with INBOX_FULL, a typed server code, without retrying', async () => {
      const client = newClient();
      void client.connect();
      const socket = await openSocket();
      const sent = rejection(client.send('bob', 'hi'));
      await tick();
      socket.fail('send', 'INBOX_FULL');
      const error = await sent;
      expect(error).toBeInstanceOf(WaveletError);
      expect((error as WaveletError).code).toBe('INBOX_FULL' satisfies ServerErrorCode);
      await tick(5000);
      expect(socket.ofAction('send')).toHaveLength(1);
      await client.close();
    });
  });
});
