import { type JWTPayload, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { localDefaults } from '../../../local/defaults.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const secret = new TextEncoder().encode(localDefaults.jwtSecret);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs exactly the claims given (no defaults), so a test can leave any of them out. */
const sign = (claims: JWTPayload) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret);
const valid = (sub: string, extra: JWTPayload = {}) =>
  sign({ sub, iat: nowSeconds(), exp: nowSeconds() + 600, ...extra });

const handshake = (query: string) =>
  TestSocket.open(`${rt.endpoints.websocket}?${query}`).then(
    async (s) => {
      await s.close();
      return 101;
    },
    (e: { status?: number }) => e.status,
  );
const connections = () => itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#');
const postTicket = (authorization: string) =>
  fetch(`${rt.endpoints.http}/tickets`, { method: 'POST', headers: { authorization } });

/** ERROR lines the functions log (Powertools writes JSON lines to stdout/stderr). */
let errorLines: string[] = [];
beforeEach(() => {
  errorLines = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      if (String(chunk).includes('"level":"ERROR"')) errorLines.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('Credential rules: exp, lifetime, nbf', () => {
  it('refuses a token without exp with 401 and writes no connection', async () => {
    expect(await handshake(`token=${await sign({ sub: 'alice', iat: nowSeconds() })}`)).toBe(401);
    expect(await handshake(`token=${await sign({ sub: 'alice' })}`)).toBe(401);
    expect(await connections()).toHaveLength(0);
  });

  it('refuses a token living longer than JWT_MAX_AGE_SECONDS, with or without iat', async () => {
    const twoDays = 2 * 86_400;
    expect(await handshake(`token=${await valid('alice', { exp: nowSeconds() + twoDays })}`)).toBe(401);
    expect(await handshake(`token=${await sign({ sub: 'alice', exp: nowSeconds() + twoDays })}`)).toBe(401);
    // An old iat with a near exp: the lifetime, not the time left, is what is bounded.
    const longLived = await sign({ sub: 'alice', iat: nowSeconds() - twoDays, exp: nowSeconds() + 60 });
    expect(await handshake(`token=${longLived}`)).toBe(401);
    expect(await connections()).toHaveLength(0);
  });

  it('refuses a token whose nbf is in the future, and accepts one whose nbf has passed', async () => {
    expect(await handshake(`token=${await valid('alice', { nbf: nowSeconds() + 300 })}`)).toBe(401);
    expect(await connections()).toHaveLength(0);
    expect(await handshake(`token=${await valid('alice', { nbf: nowSeconds() - 5 })}`)).toBe(101);
  });

  it('accepts a token of a day, the longest lifetime allowed by default', async () => {
    expect(await handshake(`token=${await valid('alice', { exp: nowSeconds() + 86_400 })}`)).toBe(101);
  });
});

describe('Credential rules: sub', () => {
  const refused: [string, string][] = [
    ['a #', 'a#send#x'],
    ['a NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['a lone surrogate', 'a\ud800b'],
    ['only spaces', '   '],
    ['129 characters', 'a'.repeat(129)],
    ['a space', 'alice smith'],
  ];
  it.each(refused)('refuses a sub with %s with 401 on the WebSocket and the HTTP API', async (_name, sub) => {
    const token = await valid(sub);
    expect(await handshake(`token=${encodeURIComponent(token)}`)).toBe(401);
    expect((await postTicket(`Bearer ${token}`)).status).toBe(401);
    expect(await connections()).toHaveLength(0);
  });

  it('accepts UUIDs, provider|id, e-mail addresses and 128 characters', async () => {
    for (const sub of [
      '3f2b7c9e-1d2a-4e5f-8a9b-0c1d2e3f4a5b',
      'auth0|123',
      'a.b+c@example.com',
      'a'.repeat(128),
    ]) {
      expect(await handshake(`token=${await valid(sub)}`), sub).toBe(101);
    }
  });
});

describe('Credential rules: size', () => {
  it.each([6000, 9000])(
    'answers a %i-character ticket or token with 401 and logs no ERROR',
    async (length) => {
      const long = 'A'.repeat(length);
      expect(await handshake(`ticket=${long}`)).toBe(401);
      expect(await handshake(`token=${long}`)).toBe(401);
      expect((await postTicket(`Bearer ${long}`)).status).toBe(401);
      const room = await fetch(`${rt.endpoints.http}/rooms/general`, {
        headers: { authorization: `Bearer ${long}` },
      });
      expect(room.status).toBe(401);
      expect(await connections()).toHaveLength(0);
      expect(errorLines).toEqual([]);
    },
  );
});

describe('Roles on the WebSocket', () => {
  it('does not make a role named x,admin an admin: it cannot join a private room nor read its history', async () => {
    const owner = await rt.token('owner');
    const created = await fetch(`${rt.endpoints.http}/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'vault', name: 'Vault', type: 'private' }),
    });
    expect(created.status).toBe(201);
    const mallory = await TestSocket.open(
      `${rt.endpoints.websocket}?token=${await rt.token('mallory', ['x,admin'])}`,
    );
    expect(await mallory.request({ action: 'join', room: 'vault' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await mallory.request({ action: 'history', room: 'vault' })).toMatchObject({ code: 'FORBIDDEN' });
    await mallory.close();

    const admin = await TestSocket.open(
      `${rt.endpoints.websocket}?token=${await rt.token('root', ['admin'])}`,
    );
    expect(await admin.request({ action: 'join', room: 'vault' })).toMatchObject({ type: 'reply' });
    await admin.close();
  });
});
