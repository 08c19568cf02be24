import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceReadCursor } from '../../../lambdas/core/store/read-cursors.ts';
import { appendRoomMessage } from '../../../lambdas/core/store/room-messages.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api, codeOf, storeOf } from './http-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const createRoom = (as: string, body: Record<string, unknown>) => api(rt, 'POST', '/rooms', { as, body });

/** Appends messages to the room's current life through the store, as `publish` does. */
async function publish(room: string, count: number): Promise<number> {
  const { epoch } = (await api(rt, 'GET', `/rooms/${room}`, { as: 'root', roles: ['admin'] })).body;
  for (let i = 1; i <= count; i += 1) {
    const ts = Date.now();
    await appendRoomMessage(storeOf(rt), {
      roomId: room,
      epoch: epoch as number,
      id: `m${i}`,
      from: 'alice',
      data: { n: i },
      ts,
    });
  }
  return epoch as number;
}

describe('Route: GET /rooms/{id}/messages', () => {
  beforeAll(async () => {
    await createRoom('alice', { id: 'news', name: 'News', type: 'public' });
    await createRoom('alice', { id: 'staff', name: 'Staff', type: 'private' });
    await publish('news', 5);
    await publish('staff', 1);
  });

  it('pages the history newest first, `next` being the `before` of the next page', async () => {
    const first = await api(rt, 'GET', '/rooms/news/messages?limit=2', { as: 'alice' });
    expect(first.status).toBe(200);
    expect(first.body.messages).toEqual([
      { id: 'm5', from: 'alice', room: 'news', seq: 5, data: { n: 5 }, ts: expect.any(Number) },
      { id: 'm4', from: 'alice', room: 'news', seq: 4, data: { n: 4 }, ts: expect.any(Number) },
    ]);
    expect(first.body.next).toBe(4);
    const second = await api(rt, 'GET', '/rooms/news/messages?limit=2&before=4', { as: 'alice' });
    expect((second.body.messages as { seq: number }[]).map((m) => m.seq)).toEqual([3, 2]);
    const last = await api(rt, 'GET', `/rooms/news/messages?limit=2&before=${second.body.next}`, {
      as: 'alice',
    });
    expect((last.body.messages as { seq: number }[]).map((m) => m.seq)).toEqual([1]);
    expect(last.body.next).toBeNull();
  });

  it('serves 50 messages by default, to anyone in a public room', async () => {
    const answer = await api(rt, 'GET', '/rooms/news/messages', { as: 'stranger' });
    expect(answer.status).toBe(200);
    expect(answer.body.messages).toHaveLength(5);
    expect(answer.body.next).toBeNull();
  });

  it('refuses a private room to a non-member with 403 and serves it to members', async () => {
    const refused = await api(rt, 'GET', '/rooms/staff/messages', { as: 'stranger' });
    expect([refused.status, codeOf(refused)]).toEqual([403, 'FORBIDDEN']);
    expect((await api(rt, 'GET', '/rooms/staff/messages', { as: 'alice' })).body.messages).toHaveLength(1);
  });

  it('answers 404 for an unknown room and 400 for a limit over 100 or a bad `before`', async () => {
    const missing = await api(rt, 'GET', '/rooms/nowhere/messages', { as: 'alice' });
    expect([missing.status, codeOf(missing)]).toEqual([404, 'NOT_FOUND']);
    for (const query of ['limit=101', 'before=0', 'before=x']) {
      const bad = await api(rt, 'GET', `/rooms/news/messages?${query}`, { as: 'alice' });
      expect([query, bad.status, codeOf(bad)]).toEqual([query, 400, 'BAD_REQUEST']);
    }
  });
});

describe('Route: GET /me/unread', () => {
  it('counts unread messages in every room the caller is a member of', async () => {
    await createRoom('uma', { id: 'u-busy', name: 'Busy', type: 'public' });
    await createRoom('uma', { id: 'u-quiet', name: 'Quiet', type: 'private' });
    const epoch = await publish('u-busy', 5);
    await advanceReadCursor(storeOf(rt), { roomId: 'u-busy', userId: 'uma', epoch, upTo: 2 });
    const answer = await api(rt, 'GET', '/me/unread', { as: 'uma' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      rooms: [
        { room: 'u-busy', unread: 3, seq: 5, upTo: 2 },
        { room: 'u-quiet', unread: 0, seq: 0, upTo: 0 },
      ],
    });
    expect((await api(rt, 'GET', '/me/unread', { as: 'nobody' })).body).toEqual({ rooms: [] });
  });
});

describe('Route: POST /messages', () => {
  const notification = { target: { users: ['nina'] }, data: { title: 'Maintenance' }, from: 'ops' };

  it('publishes a notification for an admin (202) and delivers it to the online user', async () => {
    const nina = await rt.connect('nina');
    try {
      const answer = await api(rt, 'POST', '/messages', { as: 'root', roles: ['admin'], body: notification });
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ messageId: expect.any(String), ts: expect.any(Number), users: 1 });
      const frame = await nina.waitFor((f) => f.type === 'notification');
      expect(frame).toMatchObject({ id: answer.body.messageId, from: 'ops', data: { title: 'Maintenance' } });
    } finally {
      await nina.close();
    }
  });

  it('refuses a user without the admin role with 403', async () => {
    const answer = await api(rt, 'POST', '/messages', { as: 'nina', body: notification });
    expect([answer.status, codeOf(answer)]).toEqual([403, 'FORBIDDEN']);
  });

  it('rejects a body outside the contract with 400', async () => {
    for (const body of [{ target: { users: [] }, data: 1 }, { target: { users: ['a'] } }]) {
      const answer = await api(rt, 'POST', '/messages', { as: 'root', roles: ['admin'], body });
      expect([answer.status, codeOf(answer)]).toEqual([400, 'BAD_REQUEST']);
    }
    const notJson = await api(rt, 'POST', '/messages', { as: 'root', roles: ['admin'], rawBody: 'nope' });
    expect([notJson.status, codeOf(notJson)]).toEqual([400, 'BAD_REQUEST']);
  });
});
