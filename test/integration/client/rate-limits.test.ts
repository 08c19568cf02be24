import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageFrame } from '../../../client/index.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';
import { clientFor, eventually } from './client-fixtures.ts';

let rt: TestRuntime;
beforeAll(async () => {
  // Five frames of an action per user and second (the window is one second).
  rt = await startTestRuntime({ functionEnv: { RATE_LIMIT_BURST: '5', RATE_LIMIT_PER_SECOND: '5' } });
});
afterAll(() => rt?.stop());

describe('Class: WaveletClient, when rate limited', () => {
  it('waits out RATE_LIMITED and retries, so a burst past the limit is delivered, each message once', async () => {
    const alice = clientFor(rt, 'rl-alice').client;
    const bob = clientFor(rt, 'rl-bob').client;
    const got: MessageFrame[] = [];
    alice.on('message', (m) => got.push(m));
    await Promise.all([alice.connect(), bob.connect()]);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => bob.send('rl-alice', { i })));
    expect(new Set(answers.map((a) => a.messageId)).size).toBe(12);
    await eventually(() => got.length >= 12, 10_000, '12 messages');
    await sleep(200);
    expect(got.map((m) => (m.data as { i: number }).i).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('rejects with RATE_LIMITED and retryAfterMs once its retries are used up', async () => {
    const carol = clientFor(rt, 'rl-carol', { rateLimitRetries: 0 }).client;
    await carol.connect();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => carol.send('rl-dave', { i })),
    );
    const refused = outcomes
      .filter((o) => o.status === 'rejected')
      .map((o) => (o as PromiseRejectedResult).reason);
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(5);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toMatchObject({ name: 'WaveletError', code: 'RATE_LIMITED' });
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.retryAfterMs).toBeLessThanOrEqual(1000);
    }
    await carol.close();
  });
});
