import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putPresence } from '../../../lambdas/core/store/presence.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { allPages, api, codeOf, storeOf, subscribedSocket } from './http-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const createRoom = (as: string, body: Record<string, unknown>) => api(rt, 'POST', '/rooms', { as, body });
const putMember = (as: string, room: string, user: string) =>
  api(rt, 'PUT', `/rooms/${room}/members/${encodeURIComponent(user)}`, { as });
const deleteMember = (as: string, room: string, user: string) =>
  api(rt, 'DELETE', `/rooms/${room}/members/${encodeURIComponent(user)}`, { as });

describe('Route: PUT /rooms/{id}/members/{userId}', () => {
  beforeAll(() => createRoom('olivia', { id: 'club', name: 'Club', type: 'private', maxMembers: 3 }));

  it('adds a member for the owner (201), who may then see the private room', async () => {
    expect((await api(rt, 'GET', '/rooms/club', { as: 'bob' })).status).toBe(403);
    const added = await putMember('olivia', 'club', 'bob');
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ room: 'club', user: 'bob', role: 'member', joinedAt: expect.any(Number) });
    expect((await api(rt, 'GET', '/rooms/club', { as: 'bob' })).body).toMatchObject({ memberCount: 2 });
  });

  it('answers 200 for a user who already is a member, without counting them twice', async () => {
    const again = await putMember('olivia', 'club', 'bob');
    expect(again.status).toBe(200);
    expect((await api(rt, 'GET', '/rooms/club', { as: 'bob' })).body).toMatchObject({ memberCount: 2 });
  });

  it('lets an admin add members, and answers ROOM_FULL (409) at the limit', async () => {
    expect((await api(rt, 'PUT', '/rooms/club/members/carol', { as: 'root', roles: ['admin'] })).status).toBe(
      201,
    );
    const full = await putMember('olivia', 'club', 'dave');
    expect([full.status, codeOf(full)]).toEqual([409, 'ROOM_FULL']);
    expect((await api(rt, 'GET', '/rooms/club', { as: 'dave' })).status).toBe(403);
    expect((await api(rt, 'GET', '/rooms/club', { as: 'olivia' })).body).toMatchObject({ memberCount: 3 });
  });

  it('refuses a member who is not the owner with 403, and answers 404 for an unknown room', async () => {
    const refused = await putMember('bob', 'club', 'eve');
    expect([refused.status, codeOf(refused)]).toEqual([403, 'FORBIDDEN']);
    const missing = await putMember('olivia', 'nowhere', 'eve');
    expect([missing.status, codeOf(missing)]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('Route: DELETE /rooms/{id}/members/{userId}', () => {
  beforeAll(async () => {
    await createRoom('olivia', { id: 'team', name: 'Team', type: 'private' });
    for (const user of ['bob', 'carol', 'dave']) await putMember('olivia', 'team', user);
  });

  it('lets a member leave by themselves (204)', async () => {
    const left = await deleteMember('carol', 'team', 'carol');
    expect([left.status, left.text]).toEqual([204, '']);
    expect((await api(rt, 'GET', '/rooms/team', { as: 'carol' })).status).toBe(403);
  });

  it('lets the owner remove a member, whose connections see `left` and stop listening', async () => {
    const bob = await subscribedSocket(rt, 'bob', ['team']);
    try {
      expect((await deleteMember('olivia', 'team', 'bob')).status).toBe(204);
      const left = await bob.waitFor((f) => f.type === 'event' && f.event === 'left');
      expect(left).toEqual({
        type: 'event',
        event: 'left',
        room: 'team',
        user: 'bob',
        ts: expect.any(Number),
      });
      const subscriptions = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'SUBS#team');
      expect(subscriptions.filter((s) => s.userId === 'bob')).toEqual([]);
      expect((await api(rt, 'GET', '/rooms/team', { as: 'olivia' })).body).toMatchObject({ memberCount: 2 });
    } finally {
      await bob.close();
    }
  });

  it('refuses another member with 403 and keeps the owner with 400', async () => {
    const refused = await deleteMember('dave', 'team', 'olivia');
    expect([refused.status, codeOf(refused)]).toEqual([403, 'FORBIDDEN']);
    const owner = await api(rt, 'DELETE', '/rooms/team/members/olivia', { as: 'root', roles: ['admin'] });
    expect([owner.status, codeOf(owner)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('answers 204 for a user who was not a member (a retried DELETE is no error)', async () => {
    expect((await deleteMember('olivia', 'team', 'nobody')).status).toBe(204);
    expect((await api(rt, 'GET', '/rooms/team', { as: 'olivia' })).body).toMatchObject({ memberCount: 2 });
  });
});

describe('Route: GET /rooms/{id}/members', () => {
  const users = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
  beforeAll(async () => {
    await createRoom('owner7', { id: 'seven', name: 'Seven', type: 'public' });
    for (const user of users) await putMember('owner7', 'seven', user);
  });

  it('pages through every member with cursors, ending with a null cursor', async () => {
    const { pages, cursors } = await allPages((cursor) =>
      api(rt, 'GET', `/rooms/seven/members?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { as: 'm1' }),
    );
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(cursors.at(-1)).toBeNull();
    const listed = pages.flat().map((m) => (m as { user: string }).user);
    expect(listed).toEqual([...users, 'owner7'].sort());
  });

  it('refuses a user who is not a member with 403, even in a public room', async () => {
    const answer = await api(rt, 'GET', '/rooms/seven/members', { as: 'stranger' });
    expect([answer.status, codeOf(answer)]).toEqual([403, 'FORBIDDEN']);
    expect((await api(rt, 'GET', '/rooms/seven/members', { as: 'root', roles: ['admin'] })).status).toBe(200);
  });

  it('rejects a bad limit or cursor with 400', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'cursor=not-a-cursor',
      `cursor=${btoa('{"pk":"x"}')}`,
    ]) {
      const answer = await api(rt, 'GET', `/rooms/seven/members?${query}`, { as: 'm1' });
      expect([query, answer.status, codeOf(answer)]).toEqual([query, 400, 'BAD_REQUEST']);
    }
  });
});

describe('Route: GET /rooms/{id}/online', () => {
  it('lists each subscribed user once with their status, paged', async () => {
    await createRoom('host', { id: 'live', name: 'Live', type: 'private' });
    await putMember('host', 'live', 'amy');
    await putMember('host', 'live', 'ben');
    await putPresence(storeOf(rt), 'ben', 'away');
    const sockets = [
      await subscribedSocket(rt, 'amy', ['live']),
      await subscribedSocket(rt, 'amy', ['live']),
      await subscribedSocket(rt, 'ben', ['live']),
    ];
    try {
      const { pages, cursors } = await allPages((cursor) =>
        api(rt, 'GET', `/rooms/live/online?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { as: 'host' }),
      );
      expect(pages).toEqual([
        [{ user: 'amy', status: 'online', connections: 2 }],
        [{ user: 'ben', status: 'away', connections: 1 }],
      ]);
      expect(cursors.at(-1)).toBeNull();
      const outsider = await api(rt, 'GET', '/rooms/live/online', { as: 'stranger' });
      expect([outsider.status, codeOf(outsider)]).toEqual([403, 'FORBIDDEN']);
      const missing = await api(rt, 'GET', '/rooms/nowhere/online', { as: 'host' });
      expect([missing.status, codeOf(missing)]).toEqual([404, 'NOT_FOUND']);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });
});
