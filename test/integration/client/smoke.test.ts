import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageFrame } from '../../../client/index.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { clientEnv, clientFor, eventually } from './client-fixtures.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: clientEnv });
});
afterAll(() => rt?.stop());

describe('Class: WaveletClient', () => {
  it('sends, publishes and receives', async () => {
    const { client: alice } = clientFor(rt, 'alice');
    const { client: bob } = clientFor(rt, 'bob');
    const got: MessageFrame[] = [];
    alice.on('message', (m) => got.push(m));
    await Promise.all([alice.connect(), bob.connect()]);
    await alice.join('smoke');
    await bob.join('smoke');
    await bob.send('alice', { text: 'hi' });
    await bob.publish('smoke', { text: 'room' });
    await eventually(() => got.length === 2);
    expect(got.map((m) => m.data)).toEqual(expect.arrayContaining([{ text: 'hi' }, { text: 'room' }]));
    await Promise.all([alice.close(), bob.close()]);
  });
});
