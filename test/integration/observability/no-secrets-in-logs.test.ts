import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { TestSocket } from '../../helpers/socket.ts';

/**
 * Tokens, tickets and the JWT secret never reach a log line: every line the functions and the
 * runtime write is captured (standard output and error, the console, the runtime's `log`) with
 * the functions at DEBUG, while clients connect with a token and a ticket, fail with a bad
 * token and a used ticket, and refresh.
 */
const jwtSecret = `no-secrets-${randomBytes(16).toString('hex')}`;
const lines: string[] = [];
const secrets: string[] = [jwtSecret];
let rt: TestRuntime;
let stopped = false;
const stop = async () => {
  if (stopped) return;
  stopped = true;
  await rt?.stop();
};

/** Each credential, and a JWT's signature alone (distinctive where the whole token is not logged). */
const remember = (credential: string) => {
  secrets.push(credential);
  const signature = credential.split('.')[2];
  if (signature) secrets.push(signature);
  return credential;
};

const capture = (chunk: unknown) => {
  lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
  return true;
};

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      capture(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
  }
  rt = await startTestRuntime({
    jwtSecret,
    log: (line) => lines.push(line),
    functionEnv: { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_LOGGER_LOG_EVENT: 'true' },
  });
});
afterAll(async () => {
  await stop();
  vi.restoreAllMocks();
});

const ws = (query: string) => `${rt.endpoints.websocket}?${query}`;
const statusOf = (url: string) =>
  TestSocket.open(url).then(
    async (s) => {
      await s.close();
      return 101;
    },
    (e: { status?: number }) => e.status,
  );
const ticketFor = async (token: string) => {
  const res = await fetch(`${rt.endpoints.http}/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(201);
  return remember(((await res.json()) as { ticket: string }).ticket);
};

describe('Logs: credentials', () => {
  it('connects with a token and with a ticket, and refuses a bad token and a used ticket', async () => {
    const token = remember(await rt.token('alice'));
    const byToken = await TestSocket.open(ws(`token=${token}`));
    const ticket = await ticketFor(token);
    const byTicket = await TestSocket.open(ws(`ticket=${ticket}`));
    const forged = remember(
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('not-the-secret')),
    );
    expect(await statusOf(ws(`token=${forged}`))).toBe(401);
    expect(await statusOf(ws(`ticket=${ticket}`))).toBe(401);
    expect(await statusOf(ws(`ticket=${remember(randomBytes(24).toString('base64url'))}`))).toBe(401);
    await byTicket.close();
    await byToken.close();
  });

  it('refreshes with a token and a ticket, and refuses a bad refresh', async () => {
    const socket = await TestSocket.open(ws(`token=${remember(await rt.token('bob'))}`));
    const fresh = remember(await rt.token('bob'));
    expect(await socket.request({ action: 'refresh', token: fresh })).toMatchObject({ type: 'reply' });
    const ticket = await ticketFor(fresh);
    expect(await socket.request({ action: 'refresh', ticket })).toMatchObject({ type: 'reply' });
    expect(await socket.request({ action: 'refresh', ticket })).toMatchObject({ code: 'UNAUTHORIZED' });
    const bad = remember(`${fresh.slice(0, -4)}AAAA`);
    expect(await socket.request({ action: 'refresh', token: bad })).toMatchObject({ code: 'UNAUTHORIZED' });
    await socket.close();
  });

  it('writes no token, ticket or JWT secret in any line of the functions or the runtime', async () => {
    // Stopping waits for the invocations still running (each socket's $disconnect).
    await stop();
    // The capture works: the runtime's own lines are in it.
    expect(lines.some((l) => l.startsWith('CONNECT '))).toBe(true);
    const leaks = lines.flatMap((line) =>
      secrets.filter((s) => line.includes(s)).map((s) => `${s.slice(0, 12)}… in ${line.slice(0, 200)}`),
    );
    expect(leaks).toEqual([]);
  });
});
