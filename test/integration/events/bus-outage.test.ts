import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusEnvelope, eventsOf, readEvents } from '../../helpers/bus.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;

beforeAll(async () => {
  // Backoff capped at 2 s so that the events arrive soon after the bus heals.
  rt = await startTestRuntime({
    functionEnv: { UNACKED_EVENT_SECONDS: '0', EVENT_RETRY_MAX_DELAY_SECONDS: '2' },
    visibilityTimeoutSeconds: 2,
  });
});
afterAll(() => rt?.stop());

async function sendMessages(from: string, to: string, n: number): Promise<string[]> {
  const socket = await rt.connect(from);
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const reply = await socket.request({ action: 'send', to, data: i });
    ids.push((reply.result as { messageId: string }).messageId);
  }
  await socket.close();
  return ids;
}

describe('The event bus during an outage', () => {
  it('delivers every event after the bus refused all puts for 30 s, and none twice', async () => {
    rt.bus.fail('throttle', 30_000);
    const started = Date.now();
    const ids = await sendMessages('out-alice', 'out-bob', 12);
    const seen: BusEnvelope[] = [];
    // Nothing arrives while the bus refuses puts.
    await readEvents(rt, () => false, 5000, seen);
    expect(eventsOf(seen, 'message.sent', 'out-alice')).toEqual([]);
    await readEvents(
      rt,
      (s) =>
        eventsOf(s, 'connection.closed', 'out-alice').length >= 1 &&
        eventsOf(s, 'message.sent', 'out-alice').length >= 12,
      60_000,
      seen,
    );
    await readEvents(rt, () => false, 3000, seen);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30_000);
    const sent = eventsOf(seen, 'message.sent', 'out-alice');
    expect(sent.map((e) => e.detail.id).sort()).toEqual([...ids].sort());
    const all = seen.filter((e) => [e.detail.user, e.detail.from].includes('out-alice'));
    // 12 messages, opened, closed, online, offline.
    expect(all).toHaveLength(16);
    expect(new Set(all.map((e) => e.detail.id)).size).toBe(all.length);
  }, 120_000);

  it('puts again the entries the bus reported failed (FailedEntryCount), once each', async () => {
    rt.bus.fail('entries', 3000);
    const ids = await sendMessages('out-carol', 'out-dan', 3);
    const seen = await readEvents(rt, (s) => eventsOf(s, 'message.sent', 'out-carol').length >= 3, 30_000);
    await readEvents(rt, () => false, 3000, seen);
    expect(
      eventsOf(seen, 'message.sent', 'out-carol')
        .map((e) => e.detail.id)
        .sort(),
    ).toEqual([...ids].sort());
  }, 60_000);
});
