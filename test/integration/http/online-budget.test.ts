import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { allPages, api } from './http-fixtures.ts';

// A file of its own: a function container reads its configuration once (config.ts).
let rt: TestRuntime;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  // Two last-seen records a request: every page of a listing is cut short by the budget.
  rt = await startTestRuntime({ functionEnv: { ONLINE_READ_MAX: '2' } });
  for (const user of ['ola', 'ola', 'ola', 'ola', 'pia', 'quinn', 'quinn', 'rex', 'sam'])
    sockets.push(await rt.connect(user));
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await rt?.stop();
});

describe('Route: GET /online (read budget)', () => {
  it('answers short pages with a cursor once a request has read its budget, and still lists every user once', async () => {
    const { pages, cursors } = await allPages((cursor) =>
      api(rt, 'GET', `/online?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        as: 'root',
        roles: ['admin'],
      }),
    );
    expect(cursors.at(-1)).toBeNull();
    // Nine connections, two read a request: at least five pages, though each could hold 100.
    expect(pages.length).toBeGreaterThanOrEqual(5);
    const listed = pages.flat() as { user: string; connections: number }[];
    expect(listed.sort((a, b) => a.user.localeCompare(b.user))).toEqual([
      { user: 'ola', connections: 4 },
      { user: 'pia', connections: 1 },
      { user: 'quinn', connections: 2 },
      { user: 'rex', connections: 1 },
      { user: 'sam', connections: 1 },
    ]);
  });
});
