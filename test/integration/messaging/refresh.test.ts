import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDeps } from '../../../lambdas/core/clients.ts';
import { sweepConnections } from '../../../lambdas/core/services/sweeper.ts';
import { keys } from '../../../lambdas/core/store/keys.ts';
import { localDefaults } from '../../../local/defaults.ts';
import { signToken } from '../../../tools/sign-token.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep, TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const secret = localDefaults.jwtSecret;
/** A token whose exp (whole seconds) is at most `seconds` away. */
const shortToken = (user: string, seconds: number) => signToken(user, { secret, expiresInSeconds: seconds });
const open = async (token: string) => TestSocket.open(`${rt.endpoints.websocket}?token=${token}`);
const credentialExpiryOf = async (user: string) => {
  const [record] = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).filter(
    (c) => c.userId === user,
  );
  const [seen] = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'SEEN#')).filter(
    (s) => s.connectionId === record?.connectionId,
  );
  return seen?.credentialExpiresAt as number | undefined;
};
const inboxOf = async (user: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${user}`)).filter((i) =>
    String(i.sk).startsWith('MSG#'),
  );
const postTicket = async (token: string) => {
  const res = await fetch(`${rt.endpoints.http}/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as { ticket: string; expiresAt: number; credentialExpiresAt: number };
};
const expired = { type: 'error', code: 'UNAUTHORIZED', message: 'credential expired' };

describe('Credential expiry', () => {
  it('records the JWT exp as the connection credential expiry, for a token and for a ticket', async () => {
    const token = await shortToken('ann', 600);
    const exp = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).exp * 1000;
    const bySocket = await open(token);
    expect(await credentialExpiryOf('ann')).toBe(exp);
    await bySocket.close();

    const ticket = await postTicket(token);
    expect(ticket.credentialExpiresAt).toBe(exp);
    const byTicket = await TestSocket.open(`${rt.endpoints.websocket}?ticket=${ticket.ticket}`);
    expect(await credentialExpiryOf('ann')).toBe(exp);
    await byTicket.close();
  });

  it('answers every frame but ping and refresh UNAUTHORIZED once the credential expired, and stores nothing', async () => {
    const socket = await open(await shortToken('eve', 4));
    expect(await socket.request({ action: 'send', to: 'fay', data: 'before' })).toMatchObject({
      type: 'reply',
    });
    await sleep(4100);
    expect(await socket.request({ action: 'send', to: 'fay', data: 'after' })).toMatchObject(expired);
    expect(await socket.request({ action: 'join', room: 'late' })).toMatchObject(expired);
    expect(await socket.request({ action: 'sync' })).toMatchObject(expired);
    expect(await socket.request({ action: 'ping' })).toMatchObject({ type: 'reply' });
    expect(await inboxOf('fay')).toHaveLength(1);
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'ROOM#late')).toHaveLength(0);
    expect(socket.closeInfo).toBeUndefined();
    await socket.close();
  });
});

describe('Action: refresh', () => {
  it('moves the expiry with a token of the same user, after which frames work again', async () => {
    const socket = await open(await shortToken('gus', 4));
    await sleep(4100);
    expect(await socket.request({ action: 'send', to: 'hal', data: 1 })).toMatchObject(expired);
    const fresh = await shortToken('gus', 600);
    const reply = await socket.request({ action: 'refresh', token: fresh });
    expect(reply).toMatchObject({ type: 'reply', result: { expiresAt: expect.any(Number) } });
    const { expiresAt } = reply.result as { expiresAt: number };
    expect(expiresAt).toBeGreaterThan(Date.now() + 590_000);
    expect(await credentialExpiryOf('gus')).toBe(expiresAt);
    expect(await socket.request({ action: 'send', to: 'hal', data: 2 })).toMatchObject({ type: 'reply' });
    await socket.close();
  });

  it('moves the expiry with a ticket of the same user, and consumes the ticket', async () => {
    const socket = await open(await shortToken('ida', 4));
    const { ticket, credentialExpiresAt } = await postTicket(await shortToken('ida', 600));
    await sleep(4100);
    expect(await socket.request({ action: 'refresh', ticket })).toMatchObject({
      type: 'reply',
      result: { expiresAt: credentialExpiresAt },
    });
    expect(await socket.request({ action: 'join', room: 'ida-room' })).toMatchObject({ type: 'reply' });
    expect(await socket.request({ action: 'refresh', ticket })).toMatchObject({ code: 'UNAUTHORIZED' });
    await socket.close();
  });

  it('refuses a credential of another user with FORBIDDEN and an invalid one with UNAUTHORIZED, changing nothing', async () => {
    const socket = await open(await shortToken('jon', 4));
    const before = await credentialExpiryOf('jon');
    const other = await socket.request({ action: 'refresh', token: await shortToken('kim', 600) });
    expect(other).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    const { ticket } = await postTicket(await shortToken('kim', 600));
    expect(await socket.request({ action: 'refresh', ticket })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await socket.request({ action: 'refresh', token: 'garbage' })).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const forged = await signToken('jon', { secret: 'not-the-secret', expiresInSeconds: 600 });
    expect(await socket.request({ action: 'refresh', token: forged })).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await socket.request({ action: 'refresh', token: 'A'.repeat(9000) })).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(await socket.request({ action: 'refresh' })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await credentialExpiryOf('jon')).toBe(before);
    await sleep(4100);
    expect(await socket.request({ action: 'send', to: 'kim', data: 1 })).toMatchObject(expired);
    await socket.close();
  });
});

describe('Sweep after refresh', () => {
  const sweepAt = (aheadMs: number) => sweepConnections({ ...getDeps(), now: () => Date.now() + aheadMs });

  it('keeps a connection whose refresh moved its expiry, and closes one that did not refresh', async () => {
    const kept = await open(await shortToken('lea', 4));
    const lapsed = await open(await shortToken('max', 4));
    expect(await kept.request({ action: 'refresh', token: await shortToken('lea', 3600) })).toMatchObject({
      type: 'reply',
    });
    // Six minutes on: both $connect expiries are past the five-minute grace, one refresh is not.
    const report = await sweepAt(6 * 60_000);
    expect(report.expired).toBe(1);
    expect(await Promise.race([lapsed.closed, sleep(5000).then(() => undefined)])).toBeDefined();
    await sleep(300);
    expect(kept.closeInfo).toBeUndefined();
    await kept.close();
  });

  it('refuses a refresh once the sweeper has claimed the close, leaving the expiry as it was', async () => {
    const socket = await open(await shortToken('ned', 600));
    const before = await credentialExpiryOf('ned');
    const record = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).find(
      (c) => c.userId === 'ned',
    );
    await rt.db.send(
      new UpdateCommand({
        TableName: rt.endpoints.tableName,
        Key: keys.seen(record?.connectionId as string),
        UpdateExpression: 'SET closingAt = :now',
        ExpressionAttributeValues: { ':now': Date.now() },
      }),
    );
    const reply = await socket.request({ action: 'refresh', token: await shortToken('ned', 3600) });
    expect(reply).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
    expect(await credentialExpiryOf('ned')).toBe(before);
    await socket.close();
  });
});
