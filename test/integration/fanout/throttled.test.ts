import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listConnections, seedSubscriptions } from '../../../tools/bench/subscribers.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep, type TestSocket } from '../../helpers/socket.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: { ROOM_EVENTS_MAX_MEMBERS: '1', DELIVERY_BACKOFF_MS: '10' } });
});
afterAll(() => rt?.stop());

describe('Fan-out under throttling', () => {
  it('backs off on 429 and still delivers each message exactly once to every subscriber', async () => {
    const room = 'busy-room';
    const publisher = await rt.connect('thr-owner');
    await publisher.request({ action: 'join', room });
    const subscribers: TestSocket[] = [];
    for (let i = 0; i < 300; i += 50)
      subscribers.push(
        ...(await Promise.all(Array.from({ length: 50 }, (_, j) => rt.connect(`thr-${i + j}`)))),
      );
    const toSeed = (await listConnections(rt.db, rt.endpoints.tableName)).filter(
      (c) => c.userId.startsWith('thr-') && c.userId !== 'thr-owner',
    );
    await seedSubscriptions(rt.db, rt.endpoints.tableName, room, toSeed);

    const before = rt.gateway.stats();
    // Three posts in ten are refused with 429: retries with backoff, and the few connections
    // whose retries all fail are handed to the deliveries queue on their own.
    rt.gateway.setFaults({ throttleRate: 0.3 });
    try {
      const reply = await publisher.request({ action: 'publish', room, data: 'under load' });
      expect(reply.type).toBe('reply');
      for (const s of [publisher, ...subscribers]) await s.waitFor((f) => f.type === 'message', 20_000);
    } finally {
      rt.gateway.setFaults({ throttleRate: 0 });
    }
    await sleep(500);
    for (const s of [publisher, ...subscribers]) expect(s.ofType('message')).toHaveLength(1);
    const after = rt.gateway.stats();
    expect((after.posts429 ?? 0) - (before.posts429 ?? 0)).toBeGreaterThan(0);
    expect((after.posts200 ?? 0) - (before.posts200 ?? 0)).toBe(subscribers.length + 1);
    await Promise.all([publisher, ...subscribers].map((s) => s.close()));
  }, 60_000);
});
