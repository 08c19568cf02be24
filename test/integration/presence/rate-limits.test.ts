import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';

let rt: TestRuntime;

beforeAll(async () => {
  // A burst of 3 at 1 per second: three-second windows, so ten frames at once span at most two.
  rt = await startTestRuntime({ functionEnv: { RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_SECOND: '1' } });
});
afterAll(() => rt?.stop());

describe('Rate limiting', () => {
  it('answers RATE_LIMITED with retryAfterMs past the burst, and allows the action again after it', async () => {
    const alice = await rt.connect('alice');
    // Ten frames at once span at most two windows, so at most six get through.
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => alice.request({ action: 'status', status: 'busy' })),
    );
    const limited = answers.filter((a) => a.type === 'error');
    expect(limited.length).toBeGreaterThanOrEqual(4);
    for (const answer of limited) {
      expect(answer).toMatchObject({ code: 'RATE_LIMITED', message: expect.any(String) });
      expect(answer.retryAfterMs).toBeGreaterThan(0);
      expect(answer.retryAfterMs).toBeLessThanOrEqual(3000);
    }

    const wait = Math.max(...limited.map((a) => a.retryAfterMs as number));
    await sleep(wait + 50);
    expect(await alice.request({ action: 'status', status: 'online' })).toMatchObject({
      type: 'reply',
      result: { status: 'online' },
    });
    await alice.close();
  });

  it('counts each user and action on its own', async () => {
    const bob = await rt.connect('bob');
    const carol = await rt.connect('carol');
    await Promise.all(Array.from({ length: 8 }, () => bob.request({ action: 'status', status: 'away' })));
    expect(await carol.request({ action: 'status', status: 'away' })).toMatchObject({ type: 'reply' });
    expect(await bob.request({ action: 'sync' })).toMatchObject({ type: 'reply' });
    await Promise.all([bob.close(), carol.close()]);
  });

  it('allows a dozen pings at once (pings count against the frame budget in memory only)', async () => {
    const dave = await rt.connect('dave');
    const answers = await Promise.all(Array.from({ length: 12 }, () => dave.request({ action: 'ping' })));
    expect(answers.every((a) => a.type === 'reply')).toBe(true);
    await dave.close();
  });

  it("costs a bad frame no count against its action's limit", async () => {
    const erin = await rt.connect('erin');
    const bad = await Promise.all(
      Array.from({ length: 6 }, () => erin.request({ action: 'status', status: 'sleepy' })),
    );
    expect(bad.every((a) => a.code === 'BAD_REQUEST')).toBe(true);
    expect(await erin.request({ action: 'status', status: 'busy' })).toMatchObject({ type: 'reply' });
    await erin.close();
  });
});
