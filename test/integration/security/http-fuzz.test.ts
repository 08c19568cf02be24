import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDefaults } from '../../../local/defaults.ts';
import { errorCodes, httpStatusOf } from '../../../protocol/errors.ts';
import { signToken } from '../../../tools/sign-token.ts';
import {
  censusChanges,
  excerpt,
  excludedByEnv,
  formatCensus,
  fuzzSeed,
  rssMb,
  Tally,
  takeCensus,
} from '../../helpers/fuzz/census.ts';
import { fuzzEnv } from '../../helpers/fuzz/env.ts';
import {
  type FuzzRequest,
  fuzzHttpUsers,
  hostileRequest,
  wildRequest,
} from '../../helpers/fuzz/http-requests.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

/**
 * Property-based fuzz of the HTTP API (issue 11, item 9) over every route of lib/manifest.ts:
 * requests that break one rule (no or a bad credential, a bad path parameter, cursor, limit or
 * body) get a 4xx with the project's error body and write nothing; authenticated requests with
 * odd contents get a 2xx or such a 4xx. Never a 5xx.
 */
const seed = fuzzSeed(20261203);
const hostileCount = Number(process.env.FUZZ_HTTP_H ?? 1200);
const wildCount = Number(process.env.FUZZ_HTTP_W ?? 900);
const concurrency = 8;

let rt: TestRuntime;
const headers = new Map<string, string>();

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: fuzzEnv });
  for (const user of fuzzHttpUsers) headers.set(user, `Bearer ${await rt.token(user)}`);
  headers.set('admin', `Bearer ${await rt.token('fzh-admin', ['admin'])}`);
  headers.set('wrong-secret', `Bearer ${await signToken('fzh-u0', { secret: 'not-the-secret' })}`);
  headers.set(
    'expired',
    `Bearer ${await signToken('fzh-u0', { secret: localDefaults.jwtSecret, expiresInSeconds: -120 })}`,
  );
  headers.set(
    'admin-wrong-secret',
    `Bearer ${await signToken('fzh-admin', { secret: 'not-the-secret', roles: ['admin'] })}`,
  );
  // Rooms the requests address: public, private with a member, and prototype names.
  const create = async (auth: string, body: unknown) => {
    const res = await fetch(`${rt.endpoints.http}/rooms`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`setup: POST /rooms ${res.status} ${await res.text()}`);
  };
  const owner = headers.get('fzh-u0')!;
  await create(owner, { id: 'fzh-pub', name: 'pub', type: 'public' });
  await create(owner, { id: 'fzh-priv', name: 'priv', type: 'private' });
  await create(owner, { id: '__proto__', name: 'proto', type: 'public' });
  await create(owner, { id: 'constructor', name: 'ctor', type: 'private' });
  await fetch(`${rt.endpoints.http}/rooms/fzh-priv/members/fzh-u1`, {
    method: 'PUT',
    headers: { authorization: owner },
  });
});
afterAll(async () => {
  await rt?.stop();
});

interface HttpStats {
  sent: number;
  readonly statuses: Tally;
  readonly codes: Tally;
  fiveHundreds: number;
  readonly violations: { kind: string; label: string; request: string; answer: string }[];
}

const newStats = (): HttpStats => ({
  sent: 0,
  statuses: new Tally(),
  codes: new Tally(),
  fiveHundreds: 0,
  violations: [],
});

function authHeader(request: FuzzRequest, n: number): string | undefined {
  const auth = request.auth;
  if (auth.kind === 'none') return undefined;
  if (auth.kind === 'raw') return auth.header;
  if (auth.kind === 'signed') return headers.get(auth.label);
  if (auth.kind === 'admin') return headers.get('admin');
  return headers.get(fuzzHttpUsers[n % fuzzHttpUsers.length]!);
}

async function send(request: FuzzRequest, n: number, stats: HttpStats): Promise<void> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  const authorization = authHeader(request, n);
  if (authorization !== undefined) h.authorization = authorization;
  const withBody = request.method !== 'GET' && request.method !== 'DELETE' && request.body !== undefined;
  stats.sent++;
  const violate = (kind: string, answer: string): void => {
    stats.violations.push({
      kind,
      label: request.label,
      request: excerpt(`${request.method} ${request.path} ${request.body ?? ''}`),
      answer: excerpt(answer),
    });
  };
  let res: Response;
  try {
    res = await fetch(`${rt.endpoints.http}${request.path}`, {
      method: request.method,
      headers: h,
      body: withBody ? request.body : undefined,
    });
  } catch (error) {
    return violate('request failed', String(error));
  }
  const text = await res.text();
  stats.statuses.add(String(res.status));
  if (res.status >= 500) {
    stats.fiveHundreds++;
    return violate(`${res.status}`, text);
  }
  let body: { error?: { code?: unknown; message?: unknown } } | undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    return violate('body is not JSON', text);
  }
  if (res.status >= 400) {
    const code = String(body?.error?.code);
    stats.codes.add(code);
    const known = (errorCodes as readonly string[]).includes(code);
    if (!known || typeof body?.error?.message !== 'string') return violate('not the error body', text);
    if (httpStatusOf[code as keyof typeof httpStatusOf] !== res.status)
      return violate('status does not match code', text);
  } else if (request.expect === 'error') {
    violate('accepted a request it must refuse', `${res.status} ${text}`);
  }
}

async function runAll(requests: readonly FuzzRequest[], stats: HttpStats): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const n = next++;
        await send(requests[n]!, n, stats);
      }
    }),
  );
}

function report(
  title: string,
  stats: HttpStats,
  before: Record<string, number>,
  after: Record<string, number>,
  started: number,
) {
  const groups = new Map<string, { n: number; first: HttpStats['violations'][number] }>();
  for (const v of stats.violations) {
    const key = `${v.kind} | ${v.label}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { n: 1, first: v });
  }
  console.log(
    [
      `${title} (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      `  requests ${stats.sent}; statuses: ${stats.statuses}`,
      `  error codes: ${stats.codes}`,
      `  5xx ${stats.fiveHundreds}`,
      `  items before (by pk prefix, RATE# excluded): ${formatCensus(before)}`,
      `  items after:                                  ${formatCensus(after)}`,
      `  violations ${stats.violations.length}${stats.violations.length ? ':' : ''}`,
      ...[...groups.entries()].map(([k, g]) => `    ${k} x${g.n}: ${g.first.request} -> ${g.first.answer}`),
    ].join('\n'),
  );
}

describe('HTTP API under fuzzed requests', () => {
  let total = 0;
  let rssBefore = 0;

  it('answers every request that breaks a rule with a 4xx error body and writes nothing for it', async () => {
    rssBefore = rssMb();
    const started = Date.now();
    const requests = fc
      .sample(hostileRequest, { seed, numRuns: hostileCount })
      .filter((r) => !excludedByEnv(r.label));
    const stats = newStats();
    const before = await takeCensus(rt.db, rt.endpoints.tableName);
    await runAll(requests, stats);
    const after = await takeCensus(rt.db, rt.endpoints.tableName);
    report('HTTP fuzz, requests that break a rule', stats, before, after, started);
    total += stats.sent;

    expect(stats.sent).toBe(requests.length);
    expect(stats.fiveHundreds).toBe(0);
    expect(stats.violations.map((v) => `${v.kind} | ${v.label}`)).toEqual([]);
    expect(censusChanges(before, after)).toEqual({});
  }, 120_000);

  it('answers every authenticated request of odd content with a 2xx or a 4xx error body, never a 5xx', async () => {
    const started = Date.now();
    const requests = fc
      .sample(wildRequest, { seed: seed + 1, numRuns: wildCount })
      .filter((r) => !excludedByEnv(r.label));
    const stats = newStats();
    const before = await takeCensus(rt.db, rt.endpoints.tableName);
    await runAll(requests, stats);
    const after = await takeCensus(rt.db, rt.endpoints.tableName);
    report('HTTP fuzz, authenticated requests of odd content', stats, before, after, started);
    total += stats.sent;
    const rssAfter = rssMb();
    console.log(
      `HTTP fuzz totals: ${total} requests over ${new Set(requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).size} distinct paths; ` +
        `RSS ${rssBefore.toFixed(0)} MB -> ${rssAfter.toFixed(0)} MB (+${(rssAfter - rssBefore).toFixed(0)} MB; bound 200 MB)`,
    );

    expect(stats.sent).toBe(requests.length);
    expect(stats.fiveHundreds).toBe(0);
    expect(stats.violations.map((v) => `${v.kind} | ${v.label}`)).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(2000);
    expect(rssAfter - rssBefore).toBeLessThan(200);
  }, 120_000);
});
