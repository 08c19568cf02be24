import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpApi } from '../../../local/http-api/index.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { api, codeOf } from './http-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: { TICKETS_PER_MINUTE: '4', ROOMS_PER_MINUTE: '3' } });
});
afterAll(() => rt?.stop());

/** Calls `request` `count` times one after another; the answers in order. */
async function repeat<T>(count: number, request: (i: number) => Promise<T>): Promise<T[]> {
  const answers: T[] = [];
  for (let i = 0; i < count; i += 1) answers.push(await request(i));
  return answers;
}

/**
 * Waits, when the cap's one-minute window ends within 10 s, until the next one starts: the caps
 * count in fixed windows, and a test must not see two of them.
 */
async function awayFromWindowEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
}

/** Sends one request and returns its status, `Retry-After` and JSON body. */
async function post(path: string, as: string, body?: unknown) {
  const res = await fetch(`${rt.endpoints.http}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await rt.token(as)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

describe('Per-user caps', () => {
  it('answers POST /tickets past the cap with 429 RATE_LIMITED and Retry-After, and issues no ticket', async () => {
    await awayFromWindowEdge();
    const answers = await repeat(6, () => post('/tickets', 'alice'));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 429, 429]);
    const refused = answers[4]!;
    expect(refused.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'TICKET#')).toHaveLength(4);
  });

  it('answers POST /rooms past the cap with 429 and Retry-After, and creates no room', async () => {
    await awayFromWindowEdge();
    const answers = await repeat(5, (i) =>
      post('/rooms', 'bob', { id: `bobs-${i}`, name: `Room ${i}`, type: 'public' }),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429, 429]);
    expect(answers[3]!.body.error.code).toBe('RATE_LIMITED');
    expect(answers[3]!.retryAfter).toMatch(/^\d+$/);
    expect((await api(rt, 'GET', '/rooms/bobs-3', { as: 'bob' })).status).toBe(404);
  });

  it('counts each user on their own', async () => {
    await awayFromWindowEdge();
    await repeat(4, () => post('/rooms', 'carol', { name: 'Carol', type: 'public' }));
    expect((await post('/rooms', 'dave', { name: 'Dave', type: 'public' })).status).toBe(201);
    expect((await post('/tickets', 'dave')).status).toBe(201);
  });

  it('authenticates before it counts: a request without credentials is 401 and uses up nothing', async () => {
    await awayFromWindowEdge();
    const anonymous = await repeat(6, () => api(rt, 'POST', '/tickets', { authorization: 'Bearer nope' }));
    expect(anonymous.map(codeOf)).toEqual(Array(6).fill('UNAUTHORIZED'));
    expect((await post('/tickets', 'erin')).status).toBe(201);
  });
});

describe('Emulated stage throttle', () => {
  it('answers 429 {"message":"Too Many Requests"} past the burst without invoking the route', async () => {
    let invoked = 0;
    const stage = await startHttpApi({
      routes: { 'GET /ok': async () => ({ statusCode: 200, body: String(++invoked) }) },
      throttle: { rateLimit: 1, burstLimit: 3 },
    });
    try {
      const answers = await repeat(5, async () => {
        const res = await fetch(`${stage.url}/ok`);
        return { status: res.status, body: await res.text() };
      });
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
      expect(JSON.parse(answers[4]!.body)).toEqual({ message: 'Too Many Requests' });
      expect(invoked).toBe(3);
    } finally {
      await stage.close();
    }
  });
});
