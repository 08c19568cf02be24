import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { api } from '../http/http-fixtures.ts';
import { ok, roomsEnv } from '../rooms/room-fixtures.ts';
import { historyData, inboxData } from './stored-data.ts';

/**
 * The publish hook through the local runtime: `send` and `publish` invoke the scripted hook
 * (test/fixtures/hooks/scripted-hook.ts) with the SDK's InvokeCommand on the runtime's Lambda
 * endpoint, as they invoke the deployed one. `PUBLISH_HOOK_FAILURE` is `closed` (the default);
 * publish-hook-open.test.ts runs `open`.
 */
let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({
    functionEnv: { ...roomsEnv, PUBLISH_HOOK_TIMEOUT_MS: '300' },
    publishHook: 'test/fixtures/hooks/scripted-hook.ts',
  });
});
afterAll(() => rt?.stop());

const idempotencyKeys = (userId: string) => itemsWithPrefix(rt.db, rt.endpoints.tableName, `IDEM#${userId}`);

/** Two members of a fresh room, both joined. */
async function pair(room: string, a: string, b: string) {
  const [first, second] = await Promise.all([rt.connect(a), rt.connect(b)]);
  await ok(first, { action: 'join', room });
  await ok(second, { action: 'join', room });
  return [first, second] as const;
}

describe('Publish hook: pass and replace', () => {
  it('stores and delivers a message the hook passes unchanged', async () => {
    const [amy, ben] = await pair('passes', 'amy', 'ben');
    await ok(amy, { action: 'publish', room: 'passes', data: { text: 'hello' } });
    expect((await ben.waitFor((f) => f.type === 'message')).data).toEqual({ text: 'hello' });
    expect(await historyData(rt, 'passes')).toEqual([{ text: 'hello' }]);
    await ok(amy, { action: 'send', to: 'ben', data: 'direct' });
    expect(await inboxData(rt, 'ben')).toEqual(['direct']);
    await Promise.all([amy.close(), ben.close()]);
  });

  it('stores and delivers the data the hook replaces, for a publish and a send', async () => {
    const [cat, dan] = await pair('replaced', 'cat', 'dan');
    await ok(cat, { action: 'publish', room: 'replaced', data: { hook: 'replace', text: 'original' } });
    expect((await dan.waitFor((f) => f.type === 'message' && f.room === 'replaced')).data).toEqual({
      replaced: true,
    });
    expect(await historyData(rt, 'replaced')).toEqual([{ replaced: true }]);
    await ok(cat, { action: 'send', to: 'dan', data: { hook: 'replace' } });
    expect(await inboxData(rt, 'dan')).toEqual([{ replaced: true }]);
    await Promise.all([cat.close(), dan.close()]);
  });

  it('calls the hook with action, from, room or to, and data, and no idempotency key', async () => {
    const [eve, fay] = await pair('echoed', 'eve', 'fay');
    await ok(eve, { action: 'publish', room: 'echoed', id: 'p1', data: { hook: 'echo' } });
    expect(await historyData(rt, 'echoed')).toEqual([
      { action: 'publish', from: 'eve', room: 'echoed', data: { hook: 'echo' } },
    ]);
    await ok(eve, { action: 'send', to: 'fay', id: 's1', data: 'echo' });
    expect(await inboxData(rt, 'fay')).toEqual([{ action: 'send', from: 'eve', to: 'fay', data: 'echo' }]);
    await Promise.all([eve.close(), fay.close()]);
  });

  it('applies the moderation words first: the hook sees masked data, and a word rejected never reaches it', async () => {
    const admin = { as: 'root', roles: ['admin'] };
    const put = (body: unknown) => api(rt, 'PUT', '/moderation', { ...admin, body });
    expect((await put({ words: ['darn'], mode: 'mask' })).status).toBe(200);
    const [gus, hal] = await pair('words-first', 'gus', 'hal');
    await ok(gus, { action: 'publish', room: 'words-first', data: { hook: 'echo', text: 'oh darn' } });
    expect(await historyData(rt, 'words-first')).toEqual([
      { action: 'publish', from: 'gus', room: 'words-first', data: { hook: 'echo', text: 'oh ****' } },
    ]);
    expect((await put({ words: ['darn'], mode: 'reject' })).status).toBe(200);
    const answer = await gus.request({
      action: 'publish',
      room: 'words-first',
      data: { hook: 'reject', t: 'darn' },
    });
    expect(answer).toMatchObject({ type: 'error', code: 'REJECTED' });
    expect(answer.message).toContain('moderation');
    expect((await put({ words: [], mode: 'mask' })).status).toBe(200);
    await Promise.all([gus.close(), hal.close()]);
  });
});

describe('Publish hook: reject', () => {
  it('answers REJECTED with the hook’s reason and stores nothing, the idempotency key included', async () => {
    const [ian, jo] = await pair('refused', 'ian', 'jo');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const answer = await ian.request({
        action: 'publish',
        room: 'refused',
        id: 'k1',
        data: { hook: 'reject' },
      });
      expect(answer).toMatchObject({
        type: 'error',
        code: 'REJECTED',
        message: 'The scripted hook refuses this',
        ref: expect.any(String),
      });
    }
    const sent = await ian.request({ action: 'send', to: 'jo', id: 'k2', data: 'reject' });
    expect(sent).toMatchObject({
      type: 'error',
      code: 'REJECTED',
      message: 'The scripted hook refuses this',
    });
    expect(await historyData(rt, 'refused')).toEqual([]);
    expect(await inboxData(rt, 'jo')).toEqual([]);
    expect(await idempotencyKeys('ian')).toEqual([]);
    await ok(jo, { action: 'ping' });
    expect(jo.ofType('message')).toHaveLength(0);
    await Promise.all([ian.close(), jo.close()]);
  });
});

describe('Publish hook: failures with PUBLISH_HOOK_FAILURE=closed', () => {
  const failures: [string, string][] = [
    ['slow', 'answers after PUBLISH_HOOK_TIMEOUT_MS'],
    ['throw', 'throws'],
    ['malformed', 'answers neither verdict'],
    ['huge', 'replaces data with more than MAX_DATA_BYTES'],
    ['deep', 'replaces data with a value nested past the depth limit'],
  ];
  for (const [script, what] of failures) {
    it(`answers INTERNAL and stores nothing when the hook ${what}`, async () => {
      const room = `failing-${script}`;
      const [kim, lee] = await pair(room, 'kim', 'lee');
      const answer = await kim.request({ action: 'publish', room, data: { hook: script } });
      expect(answer).toMatchObject({ type: 'error', code: 'INTERNAL' });
      const sent = await kim.request({ action: 'send', to: 'lee', data: script });
      expect(sent).toMatchObject({ type: 'error', code: 'INTERNAL' });
      expect(await historyData(rt, room)).toEqual([]);
      expect(await inboxData(rt, 'lee')).toEqual([]);
      await Promise.all([kim.close(), lee.close()]);
    });
  }
});

describe('Publish hook: edit', () => {
  it('calls the hook for an edit: it replaces the new data, or rejects it and the message keeps its old data', async () => {
    const [ivy, jon] = await pair('edited', 'ivy', 'jon');
    const published = await ok(ivy, { action: 'publish', room: 'edited', data: { text: 'first' } });
    const { seq } = published as { seq: number };
    const edit = (data: unknown) => ivy.request({ action: 'edit', room: 'edited', seq, data });

    expect(await edit({ hook: 'echo', text: 'second' })).toMatchObject({ type: 'reply' });
    const history = async () => {
      const page = await ok(jon, { action: 'history', room: 'edited' });
      return (page as { messages: { seq: number; data: unknown }[] }).messages;
    };
    expect((await history()).map((m) => m.data)).toEqual([
      { action: 'edit', from: 'ivy', room: 'edited', data: { hook: 'echo', text: 'second' } },
    ]);

    const rejected = await edit({ hook: 'reject', text: 'third' });
    expect(rejected).toMatchObject({
      type: 'error',
      code: 'REJECTED',
      message: 'The scripted hook refuses this',
    });
    expect((await history()).map((m) => m.data)).toEqual([
      { action: 'edit', from: 'ivy', room: 'edited', data: { hook: 'echo', text: 'second' } },
    ]);
    // Only the accepted edit is a room entry.
    expect((await historyData(rt, 'edited')).length).toBe(2);
    await Promise.all([ivy.close(), jon.close()]);
  });
});
