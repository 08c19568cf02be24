import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { eventually } from '../../helpers/table.ts';
import { ok, roomMessages, roomsEnv } from './room-fixtures.ts';

let rt: TestRuntime;

// Shrunk thresholds: rooms of more than 2 members are "large", and more than 2 recipient
// connections go through the deliveries queue in shards of 2.
beforeAll(async () => {
  rt = await startTestRuntime({
    functionEnv: {
      ...roomsEnv,
      ROOM_EVENTS_MAX_MEMBERS: '2',
      DELIVERY_INLINE_MAX: '2',
      DELIVERY_SHARD_SIZE: '2',
    },
  });
});
afterAll(() => rt?.stop());

describe('Rooms: large rooms', () => {
  it('sends no joined, left, read or typing events above ROOM_EVENTS_MAX_MEMBERS', async () => {
    const [first, second, third, fourth] = await Promise.all([
      rt.connect('u1'),
      rt.connect('u2'),
      rt.connect('u3'),
      rt.connect('u4'),
    ]);
    await ok(first, { action: 'join', room: 'arena' });
    await ok(second, { action: 'join', room: 'arena' });
    // Two members: still small, so the first one hears of the second.
    await first.waitFor((f) => f.type === 'event' && f.event === 'joined' && f.user === 'u2');
    await ok(third, { action: 'join', room: 'arena' });
    await ok(fourth, { action: 'join', room: 'arena' });
    await ok(fourth, { action: 'typing', room: 'arena', state: 'start' });
    const batchesBefore = rt.sqsStats().SendMessageBatch ?? 0;
    await ok(fourth, { action: 'publish', room: 'arena', data: 'hi' });
    expect((rt.sqsStats().SendMessageBatch ?? 0) - batchesBefore).toBeGreaterThan(0);
    await ok(fourth, { action: 'read', room: 'arena', upTo: 1 });
    await ok(fourth, { action: 'leave', room: 'arena' });

    // Room messages still reach everyone, through the shard path.
    for (const socket of [first, second, third]) {
      expect(await eventually(async () => roomMessages(socket, 'arena').length === 1, 10_000)).toBe(true);
    }
    await ok(first, { action: 'ping' });
    expect(first.ofType('event').map((e) => `${e.event}:${e.user}`)).toEqual(['joined:u2']);
    expect(second.ofType('event')).toHaveLength(0);
    await Promise.all([first, second, third, fourth].map((s) => s.close()));
  });
});
