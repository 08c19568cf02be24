import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRoomMessage } from '../../../lambdas/core/store/room-messages.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { ok, roomsEnv, seedMember, seedRoom, storeOf } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

/** Writes `count` messages straight into a room's history (seq 1..count). */
async function seedHistory(roomId: string, count: number, type: 'public' | 'private' = 'public') {
  const room = await seedRoom(rt, { roomId, type });
  for (let i = 1; i <= count; i += 1) {
    await appendRoomMessage(storeOf(rt), {
      roomId,
      epoch: room.epoch,
      id: `id-${i}`,
      from: 'seeder',
      data: { n: i },
      ts: Date.now(),
    });
  }
}

const seqsOf = (page: Record<string, unknown>) => (page.messages as { seq: number }[]).map((m) => m.seq);

describe('Rooms: history', () => {
  it('pages newest first with before and next until next is null', async () => {
    const alice = await rt.connect('alice');
    await ok(alice, { action: 'join', room: 'chronicle' });
    for (let i = 1; i <= 7; i += 1) await ok(alice, { action: 'publish', room: 'chronicle', data: `m${i}` });

    const first = await ok(alice, { action: 'history', room: 'chronicle', limit: 3 });
    expect(seqsOf(first)).toEqual([7, 6, 5]);
    expect(first.next).toBe(5);
    expect((first.messages as unknown[])[0]).toEqual({
      id: expect.any(String),
      from: 'alice',
      room: 'chronicle',
      seq: 7,
      data: 'm7',
      ts: expect.any(Number),
    });
    const second = await ok(alice, { action: 'history', room: 'chronicle', limit: 3, before: first.next });
    expect(seqsOf(second)).toEqual([4, 3, 2]);
    expect(second.next).toBe(2);
    const last = await ok(alice, { action: 'history', room: 'chronicle', limit: 3, before: second.next });
    expect(seqsOf(last)).toEqual([1]);
    expect(last.next).toBeNull();
    await alice.close();
  });

  it('answers 50 messages by default and at most 100', async () => {
    await seedHistory('archive', 120);
    const reader = await rt.connect('reader');
    const byDefault = await ok(reader, { action: 'history', room: 'archive' });
    expect(seqsOf(byDefault)).toEqual(Array.from({ length: 50 }, (_, i) => 120 - i));
    expect(byDefault.next).toBe(71);
    const largest = await ok(reader, { action: 'history', room: 'archive', limit: 100, before: 101 });
    expect(seqsOf(largest)).toEqual(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(largest.next).toBeNull();
    expect(await reader.request({ action: 'history', room: 'archive', limit: 101 })).toMatchObject({
      code: 'BAD_REQUEST',
    });
    await reader.close();
  });

  it('answers an empty page for a room without messages', async () => {
    await seedRoom(rt, { roomId: 'blank' });
    const gil = await rt.connect('gil');
    expect(await ok(gil, { action: 'history', room: 'blank' })).toEqual({ messages: [], next: null });
    await gil.close();
  });

  it('shows a public room to anyone and a private room to its members only', async () => {
    await seedHistory('diary', 2, 'private');
    const [member, stranger] = await Promise.all([rt.connect('mia'), rt.connect('stan')]);
    expect(await stranger.request({ action: 'history', room: 'diary' })).toMatchObject({ code: 'FORBIDDEN' });
    await seedMember(rt, 'diary', 'mia');
    expect(seqsOf(await ok(member, { action: 'history', room: 'diary' }))).toEqual([2, 1]);
    expect(seqsOf(await ok(stranger, { action: 'history', room: 'archive', limit: 1 }))).toEqual([120]);
    expect(await stranger.request({ action: 'history', room: 'no-such-room' })).toMatchObject({
      code: 'NOT_FOUND',
    });
    await Promise.all([member.close(), stranger.close()]);
  });
});
