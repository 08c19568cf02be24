import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRoomMessage } from '../../../lambdas/core/store/room-messages.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { roomsEnv, seedRoom, storeOf } from './room-fixtures.ts';

/** Finding 6 of issue 11: 100 messages of 16 KB made one `history` reply of 1.65 MB. */
let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
  const room = await seedRoom(rt, { roomId: 'heavy', type: 'public' });
  const store = storeOf(rt);
  for (let i = 1; i <= 100; i += 1) {
    await appendRoomMessage(store, {
      roomId: 'heavy',
      epoch: room.epoch,
      id: `heavy-${i}`,
      from: 'seeder',
      data: `${i}:${'x'.repeat(16_000)}`,
      ts: Date.now(),
    });
  }
});
afterAll(() => rt?.stop());

describe('Rooms: history page size', () => {
  it('cuts pages of 16 KB messages under 128 KB and continues exactly where each stopped', async () => {
    const reader = await rt.connect('reader');
    const sizes: number[] = [];
    reader.ws.on('message', (raw: Buffer) => sizes.push(raw.length));
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const reply = await reader.request({
        action: 'history',
        room: 'heavy',
        limit: 100,
        ...(before ? { before } : {}),
      });
      expect(reply.type).toBe('reply');
      const result = reply.result as { messages: { seq: number; data: string }[]; next: number | null };
      for (const m of result.messages) {
        expect(m.data.startsWith(`${m.seq}:`)).toBe(true);
        seen.push(m.seq);
      }
      before = result.next ?? undefined;
      pages += 1;
    } while (before !== undefined && pages < 20);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(pages).toBeGreaterThan(1);
    expect(sizes).toHaveLength(pages);
    for (const size of sizes) expect(size).toBeLessThan(128 * 1024);
    // Each page but the last is full up to about 120 KB: 7 messages of 16 KB.
    expect(Math.max(...sizes)).toBeGreaterThan(100 * 1024);
    await reader.close();
  });

  it('keeps a page of small messages at the limit asked for', async () => {
    const reader = await rt.connect('reader2');
    const reply = await reader.request({ action: 'history', room: 'heavy', limit: 1 });
    expect((reply.result as { messages: unknown[]; next: number }).next).toBe(100);
    await reader.close();
  });
});
