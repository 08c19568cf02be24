import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { allPages, api, codeOf } from './http-fixtures.ts';

let rt: TestRuntime;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  // Members are in the byUser index too; the listing must skip them.
  await api(rt, 'POST', '/rooms', { as: 'ola', body: { id: 'lounge', name: 'Lounge', type: 'public' } });
  for (const user of ['ola', 'ola', 'ola', 'pia', 'quinn', 'quinn', 'rex'])
    sockets.push(await rt.connect(user));
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await rt?.stop();
});

describe('Route: GET /online', () => {
  it('pages through the online users, each once with their connection count', async () => {
    for (const limit of [1, 2, 3, 100]) {
      const { pages, cursors } = await allPages((cursor) =>
        api(rt, 'GET', `/online?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
          as: 'root',
          roles: ['admin'],
        }),
      );
      expect(cursors.at(-1)).toBeNull();
      expect(pages.every((page) => page.length <= limit)).toBe(true);
      const listed = pages.flat() as { user: string; connections: number }[];
      expect(listed.sort((a, b) => a.user.localeCompare(b.user))).toEqual([
        { user: 'ola', connections: 3 },
        { user: 'pia', connections: 1 },
        { user: 'quinn', connections: 2 },
        { user: 'rex', connections: 1 },
      ]);
    }
  });

  it('refuses a user without the admin role with 403', async () => {
    const answer = await api(rt, 'GET', '/online', { as: 'pia' });
    expect([answer.status, codeOf(answer)]).toEqual([403, 'FORBIDDEN']);
  });

  it('rejects a cursor that is not one of its own with 400', async () => {
    const cursor = Buffer.from(JSON.stringify({ pk: 'x' })).toString('base64url');
    const answer = await api(rt, 'GET', `/online?cursor=${cursor}`, { as: 'root', roles: ['admin'] });
    expect([answer.status, codeOf(answer)]).toEqual([400, 'BAD_REQUEST']);
  });
});
