import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { type ApiRequest, api, codeOf, messageOf, subscribedSocket } from './http-fixtures.ts';

/**
 * Finding 8 of issue 11 (the cursor part): a paging cursor with an extra attribute reached
 * DynamoDB as a start key and answered 500. A cursor that is not exactly one the list handed
 * out is a 400.
 */
let rt: TestRuntime;
const sockets: TestSocket[] = [];

const lists = {
  members: { path: '/rooms/paged/members', as: { as: 'owner' } },
  roomOnline: { path: '/rooms/paged/online', as: { as: 'owner' } },
  online: { path: '/online', as: { as: 'root', roles: ['admin'] } as ApiRequest },
} as const satisfies Record<string, { path: string; as: ApiRequest }>;

beforeAll(async () => {
  rt = await startTestRuntime();
  await api(rt, 'POST', '/rooms', { as: 'owner', body: { id: 'paged', name: 'Paged', type: 'public' } });
  for (const user of ['u1', 'u2', 'u3']) {
    await api(rt, 'PUT', `/rooms/paged/members/${user}`, { as: 'owner' });
    sockets.push(await subscribedSocket(rt, user, ['paged']));
  }
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await rt?.stop();
});

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));

/** Cursors that are not the one handed out, made from the one handed out. */
function tampered(cursor: string): Record<string, string> {
  const key = decode(cursor) as Record<string, unknown>;
  const [first] = Object.keys(key);
  const rest = Object.fromEntries(Object.entries(key).slice(1));
  return {
    'an extra attribute': encode({ ...key, extra: 'x' }),
    'an extra numeric attribute': encode({ ...key, n: 1 }),
    'a missing attribute': encode(rest),
    'a number for a string': encode({ ...key, [first!]: 7 }),
    'an object for a string': encode({ ...key, [first!]: { S: 'x' } }),
    'an empty string': encode({ ...key, [first!]: '' }),
    'a value longer than a key may be': encode({ ...key, [first!]: 'k'.repeat(1100) }),
    'a JSON array': encode([key]),
    'JSON nested 500 levels': Buffer.from(`${'['.repeat(500)}${']'.repeat(500)}`).toString('base64url'),
    'padding added': `${cursor}==`,
    'standard base64 with padding': Buffer.from(JSON.stringify(key)).toString('base64'),
    'the same key spelled with spaces': Buffer.from(JSON.stringify(key, null, 1)).toString('base64url'),
    'not base64 JSON': 'bm90IGpzb24',
  };
}

describe('Paging cursors', () => {
  it.each(Object.entries(lists))('answers %s with a cursor that pages on', async (_name, list) => {
    const first = await api(rt, 'GET', `${list.path}?limit=1`, list.as);
    expect(first.status).toBe(200);
    const cursor = first.body.cursor as string;
    expect(cursor).toEqual(expect.any(String));
    const next = await api(rt, 'GET', `${list.path}?limit=1&cursor=${cursor}`, list.as);
    expect(next.status).toBe(200);
  });

  it.each(Object.entries(lists))(
    'answers %s with 400 for any cursor it did not hand out',
    async (_name, list) => {
      const first = await api(rt, 'GET', `${list.path}?limit=1`, list.as);
      const cursor = first.body.cursor as string;
      for (const [how, bad] of Object.entries(tampered(cursor)).filter(([, bad]) => bad !== cursor)) {
        const answer = await api(
          rt,
          'GET',
          `${list.path}?limit=1&cursor=${encodeURIComponent(bad)}`,
          list.as,
        );
        expect([how, answer.status, codeOf(answer)]).toEqual([how, 400, 'BAD_REQUEST']);
        expect(messageOf(answer)).toMatch(/^cursor is not valid/);
      }
    },
  );

  it("answers 400 for a cursor of another room's members list", async () => {
    await api(rt, 'POST', '/rooms', { as: 'owner', body: { id: 'other', name: 'Other', type: 'public' } });
    await api(rt, 'PUT', '/rooms/other/members/u1', { as: 'owner' });
    const first = await api(rt, 'GET', '/rooms/other/members?limit=1', { as: 'owner' });
    const answer = await api(rt, 'GET', `/rooms/paged/members?limit=1&cursor=${first.body.cursor}`, {
      as: 'owner',
    });
    expect([answer.status, codeOf(answer)]).toEqual([400, 'BAD_REQUEST']);
  });
});
