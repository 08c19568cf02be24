import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { ok, roomsEnv } from '../rooms/room-fixtures.ts';
import { historyData, inboxData } from './stored-data.ts';

/** The publish hook with `PUBLISH_HOOK_FAILURE=open`: a failed hook lets the message through unchanged. */
let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({
    functionEnv: { ...roomsEnv, PUBLISH_HOOK_TIMEOUT_MS: '300', PUBLISH_HOOK_FAILURE: 'open' },
    publishHook: 'test/fixtures/hooks/scripted-hook.ts',
  });
});
afterAll(() => rt?.stop());

describe('Publish hook: failures with PUBLISH_HOOK_FAILURE=open', () => {
  for (const script of ['slow', 'throw', 'malformed', 'huge']) {
    it(`stores and delivers the original data when the hook fails (${script})`, async () => {
      const room = `open-${script}`;
      const [amy, ben] = await Promise.all([rt.connect('amy'), rt.connect('ben')]);
      await ok(amy, { action: 'join', room });
      await ok(ben, { action: 'join', room });
      await ok(amy, { action: 'publish', room, data: { hook: script } });
      expect((await ben.waitFor((f) => f.type === 'message' && f.room === room)).data).toEqual({
        hook: script,
      });
      expect(await historyData(rt, room)).toEqual([{ hook: script }]);
      await Promise.all([amy.close(), ben.close()]);
    });
  }

  it('still answers REJECTED when the hook refuses, and still stores what it replaces', async () => {
    const [cat, dan] = await Promise.all([rt.connect('cat'), rt.connect('dan')]);
    const refused = await cat.request({ action: 'send', to: 'dan', data: 'reject' });
    expect(refused).toMatchObject({
      type: 'error',
      code: 'REJECTED',
      message: 'The scripted hook refuses this',
    });
    await ok(cat, { action: 'send', to: 'dan', data: 'replace' });
    expect(await inboxData(rt, 'dan')).toEqual([{ replaced: true }]);
    await Promise.all([cat.close(), dan.close()]);
  });
});
