import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { api, codeOf } from '../http/http-fixtures.ts';
import { ok, roomsEnv } from '../rooms/room-fixtures.ts';
import { historyData, inboxData } from './stored-data.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

const admin = { as: 'root', roles: ['admin'] };
const setModeration = async (body: unknown) => {
  const answer = await api(rt, 'PUT', '/moderation', { ...admin, body });
  expect(answer.status).toBe(200);
};

describe('Moderation: PUT and GET /moderation', () => {
  it('stores the settings an admin puts and answers them on GET', async () => {
    const put = await api(rt, 'PUT', '/moderation', {
      ...admin,
      body: { words: ['spam', 'ham'], mode: 'reject' },
    });
    expect([put.status, put.body]).toEqual([200, { words: ['spam', 'ham'], mode: 'reject' }]);
    const got = await api(rt, 'GET', '/moderation', admin);
    expect([got.status, got.body]).toEqual([200, { words: ['spam', 'ham'], mode: 'reject' }]);
  });

  it('refuses a user without the admin role with 403 and changes nothing', async () => {
    await setModeration({ words: ['kept'], mode: 'mask' });
    const put = await api(rt, 'PUT', '/moderation', { as: 'pia', body: { words: [], mode: 'reject' } });
    expect([put.status, codeOf(put)]).toEqual([403, 'FORBIDDEN']);
    const get = await api(rt, 'GET', '/moderation', { as: 'pia' });
    expect([get.status, codeOf(get)]).toEqual([403, 'FORBIDDEN']);
    expect((await api(rt, 'GET', '/moderation', admin)).body).toEqual({ words: ['kept'], mode: 'mask' });
  });

  it('answers 400 to a bad body and changes nothing', async () => {
    await setModeration({ words: ['kept'], mode: 'mask' });
    const bad = [
      { words: ['x'] },
      { words: ['x'], mode: 'delete' },
      { words: 'x', mode: 'mask' },
      { words: [''], mode: 'mask' },
      { words: ['   '], mode: 'mask' },
      { words: ['x'.repeat(65)], mode: 'mask' },
      { words: Array.from({ length: 1001 }, (_, i) => `w${i}`), mode: 'mask' },
      { words: [1], mode: 'mask' },
    ];
    for (const body of bad) {
      const answer = await api(rt, 'PUT', '/moderation', { ...admin, body });
      expect([answer.status, codeOf(answer)], JSON.stringify(body).slice(0, 60)).toEqual([
        400,
        'BAD_REQUEST',
      ]);
    }
    const notJson = await api(rt, 'PUT', '/moderation', { ...admin, rawBody: '{' });
    expect(notJson.status).toBe(400);
    expect((await api(rt, 'GET', '/moderation', admin)).body).toEqual({ words: ['kept'], mode: 'mask' });
  });
});

describe('Moderation: screening send and publish', () => {
  it('masks matches in a send: the recipient and the inbox item hold the masked data', async () => {
    await setModeration({ words: ['darn', 'heck'], mode: 'mask' });
    const [amy, ben] = await Promise.all([rt.connect('amy'), rt.connect('ben')]);
    await ok(amy, { action: 'send', to: 'ben', data: { text: 'Darn it, heck!', darn: ['darned heck'] } });
    const masked = { text: '**** it, ****!', darn: ['darned ****'] };
    expect((await ben.waitFor((f) => f.type === 'message')).data).toEqual(masked);
    expect(await inboxData(rt, 'ben')).toEqual([masked]);
    await Promise.all([amy.close(), ben.close()]);
  });

  it('masks matches in a publish: subscribers and the history item hold the masked data', async () => {
    await setModeration({ words: ['darn'], mode: 'mask' });
    const [amy, ben] = await Promise.all([rt.connect('amy'), rt.connect('ben')]);
    await ok(amy, { action: 'join', room: 'masked' });
    await ok(ben, { action: 'join', room: 'masked' });
    await ok(amy, { action: 'publish', room: 'masked', data: 'DARN, darnation' });
    expect((await ben.waitFor((f) => f.type === 'message')).data).toBe('****, darnation');
    expect(await historyData(rt, 'masked')).toEqual(['****, darnation']);
    await Promise.all([amy.close(), ben.close()]);
  });

  it('rejects a send with REJECTED and stores nothing, its idempotency key included', async () => {
    await setModeration({ words: ['darn'], mode: 'reject' });
    const [cat, dan] = await Promise.all([rt.connect('cat'), rt.connect('dan')]);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const answer = await cat.request({
        action: 'send',
        to: 'dan',
        id: 'k1',
        data: { a: [{ b: 'oh darn' }] },
      });
      expect(answer).toMatchObject({ type: 'error', code: 'REJECTED', ref: expect.any(String) });
      expect(String(answer.message)).not.toContain('darn');
    }
    expect(await inboxData(rt, 'dan')).toEqual([]);
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'IDEM#cat')).toEqual([]);
    await ok(cat, { action: 'send', to: 'dan', data: { a: 'darned fine' } });
    expect(await inboxData(rt, 'dan')).toEqual([{ a: 'darned fine' }]);
    await Promise.all([cat.close(), dan.close()]);
  });

  it('rejects a publish with REJECTED and stores nothing', async () => {
    await setModeration({ words: ['darn'], mode: 'reject' });
    const [cat, dan] = await Promise.all([rt.connect('cat'), rt.connect('dan')]);
    await ok(cat, { action: 'join', room: 'strict' });
    await ok(dan, { action: 'join', room: 'strict' });
    const answer = await cat.request({ action: 'publish', room: 'strict', data: ['Darn'] });
    expect(answer).toMatchObject({ type: 'error', code: 'REJECTED', ref: expect.any(String) });
    expect(await historyData(rt, 'strict')).toEqual([]);
    await ok(dan, { action: 'ping' });
    expect(dan.ofType('message')).toHaveLength(0);
    await Promise.all([cat.close(), dan.close()]);
  });
});
