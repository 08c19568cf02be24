import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { api, codeOf } from '../http/http-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const inbox = async (userId: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${userId}`)).filter((i) =>
    String(i.sk).startsWith('MSG#'),
  );

describe('Blocking', () => {
  it('answers a blocked sender with a messageId but stores and delivers nothing', async () => {
    const [amy, bea] = await Promise.all([rt.connect('amy'), rt.connect('bea')]);
    expect((await bea.request({ action: 'block', user: 'amy' })).result).toEqual({ blocked: 1 });

    const reply = await amy.request({ action: 'send', to: 'bea', data: 'hello?' });
    expect(reply).toMatchObject({
      type: 'reply',
      result: { messageId: expect.any(String), ts: expect.any(Number) },
    });
    await sleep(300);
    expect(bea.ofType('message')).toEqual([]);
    expect(await inbox('bea')).toEqual([]);
    expect((await bea.request({ action: 'sync' })).result).toEqual({ delivered: 0, more: false });
    await Promise.all([amy.close(), bea.close()]);
  });

  it('delivers again after unblock', async () => {
    const [abe, ben] = await Promise.all([rt.connect('abe'), rt.connect('ben')]);
    await ben.request({ action: 'block', user: 'abe' });
    await abe.request({ action: 'send', to: 'ben', data: 'dropped' });
    expect((await ben.request({ action: 'unblock', user: 'abe' })).result).toEqual({ blocked: 0 });
    await abe.request({ action: 'send', to: 'ben', data: 'arrives' });
    const frame = await ben.waitFor((f) => f.type === 'message');
    expect(frame).toMatchObject({ from: 'abe', to: 'ben', data: 'arrives' });
    await sleep(200);
    expect(ben.ofType('message').map((m) => m.data)).toEqual(['arrives']);
    expect((await inbox('ben')).map((i) => i.sender)).toEqual(['abe']);
    await Promise.all([abe.close(), ben.close()]);
  });

  it('counts a user blocked twice once, and unblocking someone not blocked changes nothing', async () => {
    const cal = await rt.connect('cal');
    expect((await cal.request({ action: 'block', user: 'x1' })).result).toEqual({ blocked: 1 });
    expect((await cal.request({ action: 'block', user: 'x1' })).result).toEqual({ blocked: 1 });
    expect((await cal.request({ action: 'block', user: 'x2' })).result).toEqual({ blocked: 2 });
    expect((await cal.request({ action: 'unblock', user: 'nobody' })).result).toEqual({ blocked: 2 });
    const blocks = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'BLOCKS#cal');
    expect(blocks.filter((i) => String(i.sk).startsWith('BLOCK#'))).toHaveLength(2);
    await cal.close();
  });

  it('refuses to block yourself, or a frame without a user, and writes nothing', async () => {
    const dot = await rt.connect('dot');
    expect(await dot.request({ action: 'block', user: 'dot' })).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
    });
    expect(await dot.request({ action: 'block' })).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    expect(await dot.request({ action: 'unblock', user: 42 })).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
    });
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'BLOCKS#dot')).toEqual([]);
    await dot.close();
  });

  it('lists the users the caller blocks on GET /me/blocks, paged', async () => {
    const eve = await rt.connect('eve');
    for (const user of ['m3', 'm1', 'm2']) await eve.request({ action: 'block', user });
    const first = await api(rt, 'GET', '/me/blocks?limit=2', { as: 'eve' });
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      { user: 'm1', blockedAt: expect.any(Number) },
      { user: 'm2', blockedAt: expect.any(Number) },
    ]);
    const second = await api(rt, 'GET', `/me/blocks?limit=2&cursor=${first.body.cursor}`, { as: 'eve' });
    expect(second.body).toEqual({ items: [{ user: 'm3', blockedAt: expect.any(Number) }], cursor: null });
    expect((await api(rt, 'GET', '/me/blocks', { as: 'fay' })).body).toEqual({ items: [], cursor: null });
    expect(codeOf(await api(rt, 'GET', '/me/blocks?cursor=%25%25', { as: 'eve' }))).toBe('BAD_REQUEST');
    expect((await api(rt, 'GET', '/me/blocks')).status).toBe(401);
    await eve.close();
  });
});
