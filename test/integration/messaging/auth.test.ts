import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDefaults } from '../../../local/defaults.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep, TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: { TICKET_TTL_SECONDS: '1' } });
});
afterAll(() => rt?.stop());

const status = (url: string) =>
  TestSocket.open(url).then(
    async (s) => {
      await s.close();
      return 101;
    },
    (e: { status?: number }) => e.status,
  );

const connections = () => itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#');

async function postTicket(token?: string) {
  const res = await fetch(`${rt.endpoints.http}/tickets`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Handshake authentication', () => {
  it('rejects a handshake without credentials with 401 and writes nothing', async () => {
    expect(await status(rt.endpoints.websocket)).toBe(401);
    expect(await connections()).toHaveLength(0);
  });

  it('rejects a token signed with another secret with 401', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret'));
    expect(await status(`${rt.endpoints.websocket}?token=${forged}`)).toBe(401);
    expect(await connections()).toHaveLength(0);
  });

  it('rejects an expired token with 401', async () => {
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(localDefaults.jwtSecret));
    expect(await status(`${rt.endpoints.websocket}?token=${expired}`)).toBe(401);
  });

  it('rejects a malformed token and an unknown ticket with 401', async () => {
    expect(await status(`${rt.endpoints.websocket}?token=abc.def`)).toBe(401);
    expect(await status(`${rt.endpoints.websocket}?ticket=nope`)).toBe(401);
    expect(await connections()).toHaveLength(0);
  });

  it('accepts a ticket once and rejects its reuse with 401', async () => {
    const { status: code, body } = await postTicket(await rt.token('alice'));
    expect(code).toBe(201);
    expect(typeof body.ticket).toBe('string');
    expect(body.expiresAt).toBeGreaterThan(Date.now());
    const socket = await TestSocket.open(`${rt.endpoints.websocket}?ticket=${body.ticket}`);
    const [record] = await connections();
    expect(record).toMatchObject({ userId: 'alice' });
    expect(await status(`${rt.endpoints.websocket}?ticket=${body.ticket}`)).toBe(401);
    await socket.close();
  });

  it('rejects a ticket presented after it expired', async () => {
    const { body } = await postTicket(await rt.token('alice'));
    await sleep(1100);
    expect(await status(`${rt.endpoints.websocket}?ticket=${body.ticket}`)).toBe(401);
  });

  it('answers POST /tickets without a bearer token with 401 and an error body', async () => {
    const { status: code, body } = await postTicket();
    expect(code).toBe(401);
    expect(body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    expect((await postTicket('garbage')).status).toBe(401);
  });

  it('records the connection with user, device, identity and expiry, and removes it on close', async () => {
    const socket = await rt.connect('bob', '&device=phone');
    const [record] = await connections();
    expect(record).toMatchObject({ userId: 'bob', device: 'phone', sourceIp: '127.0.0.1' });
    const expiresAt = record?.expiresAt as number;
    expect(expiresAt).toBeGreaterThan(Date.now() / 1000 + 2 * 3600);
    await socket.close();
    await sleep(100);
    expect(await connections()).toHaveLength(0);
  });
});
