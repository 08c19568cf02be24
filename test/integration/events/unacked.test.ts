import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, readEvents } from '../../helpers/bus.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: { UNACKED_EVENT_SECONDS: '2' } });
});
afterAll(() => rt?.stop());

describe('inbox.unacked', () => {
  it('follows a direct message no device acknowledged, and not one acknowledged in time', async () => {
    const alice = await rt.connect('un-alice');
    const bob = await rt.connect('un-bob');
    const unacked = await alice.request({ action: 'send', to: 'un-carl', data: 'nobody reads this' });
    const acked = await alice.request({ action: 'send', to: 'un-bob', data: 'bob reads this' });
    const ackedId = (acked.result as { messageId: string }).messageId;
    await bob.waitFor((f) => f.type === 'message' && f.id === ackedId);
    await bob.request({ action: 'ack', ids: [ackedId] });
    const { messageId, ts } = unacked.result as { messageId: string; ts: number };
    const seen = await readEvents(rt, (s) => eventsOf(s, 'inbox.unacked', 'un-carl').length >= 1, 15_000);
    // The acknowledged message's check ran at the same time: give it a moment more.
    await readEvents(rt, () => false, 3000, seen);
    const events = eventsOf(seen, 'inbox.unacked', 'un-carl');
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toMatchObject({ user: 'un-carl', messageId, from: 'un-alice', ts });
    expect(eventsOf(seen, 'inbox.unacked', 'un-bob')).toEqual([]);
    await Promise.all([alice.close(), bob.close()]);
  }, 30_000);
});
