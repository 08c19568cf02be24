import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api } from './http-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  // Bursts from one user; the rate limit has its own tests.
  rt = await startTestRuntime({ functionEnv: { RATE_LIMIT_PER_SECOND: '10000', RATE_LIMIT_BURST: '10000' } });
});
afterAll(() => rt?.stop());

describe('HTTP API with the WebSocket room actions', () => {
  it('opens a private room to a user the owner adds, whose messages and reads the HTTP API then shows', async () => {
    await api(rt, 'POST', '/rooms', { as: 'owen', body: { id: 'board', name: 'Board', type: 'private' } });
    const gina = await rt.connect('gina');
    try {
      expect(await gina.request({ action: 'join', room: 'board' })).toMatchObject({
        type: 'error',
        code: 'FORBIDDEN',
      });
      expect((await api(rt, 'PUT', '/rooms/board/members/gina', { as: 'owen' })).status).toBe(201);
      expect(await gina.request({ action: 'join', room: 'board' })).toMatchObject({ type: 'reply' });

      const online = await api(rt, 'GET', '/rooms/board/online', { as: 'owen' });
      expect(online.body).toEqual({
        items: [{ user: 'gina', status: 'online', connections: 1 }],
        cursor: null,
      });

      for (const n of [1, 2, 3]) await gina.request({ action: 'publish', room: 'board', data: { n } });
      await gina.request({ action: 'read', room: 'board', upTo: 1 });
      const history = await api(rt, 'GET', '/rooms/board/messages', { as: 'owen' });
      expect((history.body.messages as { data: unknown }[]).map((m) => m.data)).toEqual([
        { n: 3 },
        { n: 2 },
        { n: 1 },
      ]);
      expect((await api(rt, 'GET', '/me/unread', { as: 'gina' })).body).toEqual({
        rooms: [{ room: 'board', unread: 2, seq: 3, upTo: 1 }],
      });
      expect((await api(rt, 'GET', '/me/unread', { as: 'owen' })).body).toEqual({
        rooms: [{ room: 'board', unread: 3, seq: 3, upTo: 0 }],
      });

      expect((await api(rt, 'DELETE', '/rooms/board/members/gina', { as: 'owen' })).status).toBe(204);
      expect((await api(rt, 'GET', '/rooms/board/online', { as: 'owen' })).body.items).toEqual([]);
      expect(await gina.request({ action: 'publish', room: 'board', data: {} })).toMatchObject({
        type: 'error',
        code: 'FORBIDDEN',
      });
    } finally {
      await gina.close();
    }
  });
});
