import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { api, codeOf, messageOf, subscribedSocket } from './http-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  // These cases create more rooms per user than the per-user cap allows in a minute.
  rt = await startTestRuntime({ functionEnv: { ROOMS_PER_MINUTE: '1000' } });
});
afterAll(() => rt?.stop());

const createRoom = (as: string, body: Record<string, unknown>) => api(rt, 'POST', '/rooms', { as, body });

describe('Route: POST /rooms', () => {
  it('creates a room owned by the caller, who becomes its first member', async () => {
    const created = await createRoom('alice', {
      id: 'design',
      name: 'Design',
      type: 'private',
      maxMembers: 10,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: 'design',
      name: 'Design',
      type: 'private',
      owner: 'alice',
      maxMembers: 10,
      memberCount: 1,
      epoch: expect.any(Number),
      createdAt: expect.any(Number),
    });
    const members = await api(rt, 'GET', '/rooms/design/members', { as: 'alice' });
    expect(members.body.items).toEqual([{ user: 'alice', role: 'owner', joinedAt: expect.any(Number) }]);
  });

  it('makes a URL-safe id and an unlimited room when neither is given', async () => {
    const created = await createRoom('alice', { name: 'Lobby', type: 'public' });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(created.body.maxMembers).toBe(0);
    const fetched = await api(rt, 'GET', `/rooms/${created.body.id}`, { as: 'bob' });
    expect(fetched.body).toEqual(created.body);
  });

  it('gives the stored room back to its owner retrying the create, and refuses the id to anyone else', async () => {
    const first = await createRoom('alice', { id: 'retried', name: 'Retried', type: 'public' });
    const again = await createRoom('alice', { id: 'retried', name: 'Other name', type: 'private' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const taken = await createRoom('bob', { id: 'retried', name: 'Mine', type: 'public' });
    expect(taken.status).toBe(400);
    expect(codeOf(taken)).toBe('BAD_REQUEST');
    expect(messageOf(taken)).toContain('already exists');
  });

  it('rejects a body that is not JSON, or breaks the schema, with 400 naming the problem', async () => {
    const notJson = await api(rt, 'POST', '/rooms', { as: 'alice', rawBody: '{"name":' });
    expect([notJson.status, codeOf(notJson), messageOf(notJson)]).toEqual([
      400,
      'BAD_REQUEST',
      'Body is not JSON',
    ]);
    const empty = await api(rt, 'POST', '/rooms', { as: 'alice' });
    expect([empty.status, codeOf(empty)]).toEqual([400, 'BAD_REQUEST']);
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'public' }, 'name'],
      [{ name: 'x', type: 'secret' }, 'type'],
      [{ name: 'x', type: 'public', maxMembers: 100_001 }, 'maxMembers'],
      [{ name: 'x', type: 'public', maxMembers: 1.5 }, 'maxMembers'],
      [{ id: 'has space', name: 'x', type: 'public' }, 'id'],
    ];
    for (const [body, field] of cases) {
      const answer = await createRoom('alice', body);
      expect([answer.status, codeOf(answer)]).toEqual([400, 'BAD_REQUEST']);
      expect(messageOf(answer)).toContain(field);
    }
  });
});

describe('Route: GET /rooms/{id}', () => {
  beforeAll(async () => {
    await createRoom('olivia', { id: 'secret', name: 'Secret', type: 'private' });
    await createRoom('olivia', { id: 'open', name: 'Open', type: 'public' });
  });

  it('shows a private room to its members and to admins', async () => {
    expect((await api(rt, 'GET', '/rooms/secret', { as: 'olivia' })).body).toMatchObject({
      id: 'secret',
      owner: 'olivia',
      memberCount: 1,
    });
    expect((await api(rt, 'GET', '/rooms/secret', { as: 'root', roles: ['admin'] })).status).toBe(200);
  });

  it('refuses a private room to a user who is not a member with 403', async () => {
    const answer = await api(rt, 'GET', '/rooms/secret', { as: 'mallory' });
    expect([answer.status, codeOf(answer)]).toEqual([403, 'FORBIDDEN']);
  });

  it('shows a public room to every user', async () => {
    expect((await api(rt, 'GET', '/rooms/open', { as: 'mallory' })).status).toBe(200);
  });

  it('answers 404 for a room that does not exist and 400 for an id outside the alphabet', async () => {
    const missing = await api(rt, 'GET', '/rooms/nowhere', { as: 'olivia' });
    expect([missing.status, codeOf(missing)]).toEqual([404, 'NOT_FOUND']);
    const bad = await api(rt, 'GET', `/rooms/${encodeURIComponent('a/b c')}`, { as: 'olivia' });
    expect([bad.status, codeOf(bad)]).toEqual([400, 'BAD_REQUEST']);
  });
});

describe('Route: PATCH /rooms/{id}', () => {
  beforeAll(() => createRoom('olivia', { id: 'editable', name: 'Editable', type: 'public' }));

  it('updates name, type and maxMembers for the owner and for an admin', async () => {
    const byOwner = await api(rt, 'PATCH', '/rooms/editable', {
      as: 'olivia',
      body: { name: 'Renamed', type: 'private' },
    });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body).toMatchObject({ id: 'editable', name: 'Renamed', type: 'private', maxMembers: 0 });
    const byAdmin = await api(rt, 'PATCH', '/rooms/editable', {
      as: 'root',
      roles: ['admin'],
      body: { maxMembers: 5 },
    });
    expect(byAdmin.body).toMatchObject({ name: 'Renamed', type: 'private', maxMembers: 5 });
    expect((await api(rt, 'GET', '/rooms/editable', { as: 'olivia' })).body).toMatchObject({ maxMembers: 5 });
  });

  it('refuses anyone but the owner or an admin with 403 and changes nothing', async () => {
    const answer = await api(rt, 'PATCH', '/rooms/editable', { as: 'mallory', body: { name: 'Mine' } });
    expect([answer.status, codeOf(answer)]).toEqual([403, 'FORBIDDEN']);
    expect((await api(rt, 'GET', '/rooms/editable', { as: 'olivia' })).body.name).not.toBe('Mine');
  });

  it('rejects an empty patch and a bad field with 400, and an unknown room with 404', async () => {
    const empty = await api(rt, 'PATCH', '/rooms/editable', { as: 'olivia', body: {} });
    expect([empty.status, codeOf(empty)]).toEqual([400, 'BAD_REQUEST']);
    const bad = await api(rt, 'PATCH', '/rooms/editable', { as: 'olivia', body: { maxMembers: -1 } });
    expect([bad.status, codeOf(bad)]).toEqual([400, 'BAD_REQUEST']);
    const missing = await api(rt, 'PATCH', '/rooms/nowhere', { as: 'olivia', body: { name: 'x' } });
    expect([missing.status, codeOf(missing)]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('Route: DELETE /rooms/{id}', () => {
  it('refuses anyone but the owner or an admin with 403', async () => {
    await createRoom('olivia', { id: 'kept', name: 'Kept', type: 'public' });
    const answer = await api(rt, 'DELETE', '/rooms/kept', { as: 'mallory' });
    expect([answer.status, codeOf(answer)]).toEqual([403, 'FORBIDDEN']);
    expect((await api(rt, 'GET', '/rooms/kept', { as: 'olivia' })).status).toBe(200);
  });

  it('answers 404 for a room that does not exist', async () => {
    const answer = await api(rt, 'DELETE', '/rooms/nowhere', { as: 'olivia' });
    expect([answer.status, codeOf(answer)]).toEqual([404, 'NOT_FOUND']);
  });

  it('removes settings, members, read cursors and subscriptions, and tells the subscribers', async () => {
    const created = await createRoom('olivia', { id: 'doomed', name: 'Doomed', type: 'private' });
    await api(rt, 'PUT', '/rooms/doomed/members/paul', { as: 'olivia' });
    const paul = await subscribedSocket(rt, 'paul', ['doomed']);
    try {
      const answer = await api(rt, 'DELETE', '/rooms/doomed', { as: 'olivia' });
      expect(answer.status).toBe(204);
      expect(answer.text).toBe('');
      const left = await paul.waitFor((f) => f.type === 'event' && f.room === 'doomed');
      expect(left).toEqual({
        type: 'event',
        event: 'left',
        room: 'doomed',
        user: 'paul',
        ts: expect.any(Number),
      });
      expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'ROOM#doomed')).toEqual([]);
      expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'SUBS#doomed')).toEqual([]);
      expect((await api(rt, 'GET', '/rooms/doomed', { as: 'olivia' })).status).toBe(404);
      expect((await api(rt, 'GET', '/me/unread', { as: 'paul' })).body).toEqual({ rooms: [] });

      const again = await createRoom('paul', { id: 'doomed', name: 'Reborn', type: 'public' });
      expect(again.status).toBe(201);
      expect(again.body.owner).toBe('paul');
      expect(again.body.epoch).toBeGreaterThan(created.body.epoch as number);
    } finally {
      await paul.close();
    }
  });

  it('lets an admin delete any room', async () => {
    await createRoom('olivia', { id: 'moderated', name: 'Moderated', type: 'public' });
    expect((await api(rt, 'DELETE', '/rooms/moderated', { as: 'root', roles: ['admin'] })).status).toBe(204);
  });
});
