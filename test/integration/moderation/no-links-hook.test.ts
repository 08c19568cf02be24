import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WaveletError } from '../../../client/index.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { clientFor } from '../client/client-fixtures.ts';
import { ok, roomsEnv } from '../rooms/room-fixtures.ts';
import { historyData } from './stored-data.ts';

/** The example hook, examples/hooks/no-links.ts, run as the runtime runs it with PUBLISH_HOOK. */
let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv, publishHook: 'examples/hooks/no-links.ts' });
});
afterAll(() => rt?.stop());

describe('Example hook: no-links', () => {
  it('rejects a room message holding a link, with its reason, and stores nothing', async () => {
    const [amy, ben] = await Promise.all([rt.connect('amy'), rt.connect('ben')]);
    await ok(amy, { action: 'join', room: 'lobby' });
    await ok(ben, { action: 'join', room: 'lobby' });
    for (const data of ['see https://example.com', { text: ['nested', 'HTTP://x.test'] }]) {
      const answer = await amy.request({ action: 'publish', room: 'lobby', data });
      expect(answer).toMatchObject({
        type: 'error',
        code: 'REJECTED',
        message: 'Links are not allowed in room lobby',
      });
    }
    expect(await historyData(rt, 'lobby')).toEqual([]);
    await Promise.all([amy.close(), ben.close()]);
  });

  it('lets a room message without a link and a direct message with one through', async () => {
    const [cat, dan] = await Promise.all([rt.connect('cat'), rt.connect('dan')]);
    await ok(cat, { action: 'join', room: 'plain' });
    await ok(cat, { action: 'publish', room: 'plain', data: { text: 'no links here, example.com' } });
    expect(await historyData(rt, 'plain')).toEqual([{ text: 'no links here, example.com' }]);
    await ok(cat, { action: 'send', to: 'dan', data: 'https://example.com' });
    expect((await dan.waitFor((f) => f.type === 'message')).data).toBe('https://example.com');
    await Promise.all([cat.close(), dan.close()]);
  });
});

describe('SDK: a message the hook refuses', () => {
  it('rejects publish with a WaveletError whose code is REJECTED and whose message is the hook’s reason', async () => {
    const { client } = clientFor(rt, 'eve');
    try {
      await client.connect();
      await client.join('sdk-room');
      const error = await client
        .publish('sdk-room', { text: 'read https://example.com' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaveletError);
      expect(error).toMatchObject({ code: 'REJECTED', message: 'Links are not allowed in room sdk-room' });
      expect(await historyData(rt, 'sdk-room')).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
