import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api } from '../http/http-fixtures.ts';
import { historyItems, ok, roomMessages, roomsEnv } from '../rooms/room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

const setModeration = async (body: unknown) => {
  const answer = await api(rt, 'PUT', '/moderation', { as: 'root', roles: ['admin'], body });
  expect(answer.status).toBe(200);
};

describe('Moderation: screening edit', () => {
  it('masks matches in an edit: subscribers, the entry and the target hold the masked data', async () => {
    await setModeration({ words: ['darn'], mode: 'mask' });
    const [amy, ben] = await Promise.all([rt.connect('amy'), rt.connect('ben')]);
    await ok(amy, { action: 'join', room: 'masked-edits' });
    await ok(ben, { action: 'join', room: 'masked-edits' });
    await ok(amy, { action: 'publish', room: 'masked-edits', data: 'fine' });
    expect(
      await ok(amy, { action: 'edit', room: 'masked-edits', seq: 1, data: { text: 'Darn it' } }),
    ).toEqual({
      seq: 2,
    });
    await ok(ben, { action: 'ping' });
    expect(roomMessages(ben, 'masked-edits').at(-1)).toMatchObject({
      kind: 'edit',
      data: { text: '**** it' },
    });
    const page = await ok(ben, { action: 'history', room: 'masked-edits' });
    expect(page.messages).toMatchObject([{ seq: 1, data: { text: '**** it' } }]);
    await Promise.all([amy.close(), ben.close()]);
  });

  it('rejects an edit with a match in reject mode: REJECTED, and nothing stored or changed', async () => {
    await setModeration({ words: ['darn'], mode: 'reject' });
    const [cal, dee] = await Promise.all([rt.connect('cal'), rt.connect('dee')]);
    await ok(cal, { action: 'join', room: 'rejected-edits' });
    await ok(dee, { action: 'join', room: 'rejected-edits' });
    await ok(cal, { action: 'publish', room: 'rejected-edits', data: 'fine' });
    const answer = await cal.request({
      action: 'edit',
      room: 'rejected-edits',
      seq: 1,
      data: 'darn',
      id: 'e1',
    });
    expect(answer).toMatchObject({ type: 'error', code: 'REJECTED' });
    await ok(dee, { action: 'ping' });
    expect(roomMessages(dee, 'rejected-edits')).toHaveLength(1);
    const items = await historyItems(rt, 'rejected-edits');
    expect(items.map((i) => JSON.parse(i.data as string))).toEqual(['fine']);
    expect(items[0]).not.toHaveProperty('editedAt');
    await Promise.all([cal.close(), dee.close()]);
  });
});
