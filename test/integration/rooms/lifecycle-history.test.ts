import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api } from '../http/http-fixtures.ts';
import { ok, roomMessages, roomsEnv } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

type Message = Record<string, unknown>;

describe('Rooms: history over lifecycle entries', () => {
  beforeAll(async () => {
    // Ordinary messages at 1, 3, 5, 8, 10; lifecycle entries at 2, 4, 6, 7, 9, 11.
    const [alice, bob] = await Promise.all([rt.connect('alice'), rt.connect('bob')]);
    await ok(alice, { action: 'join', room: 'mixed' });
    await ok(bob, { action: 'join', room: 'mixed' });
    const steps: [typeof alice, Record<string, unknown>][] = [
      [alice, { action: 'publish', data: 'a' }],
      [bob, { action: 'react', seq: 1, reaction: '👍' }],
      [alice, { action: 'publish', data: 'b' }],
      [alice, { action: 'edit', seq: 3, data: 'b!' }],
      [bob, { action: 'publish', data: 'c' }],
      [alice, { action: 'react', seq: 5, reaction: 'x' }],
      [bob, { action: 'react', seq: 5, reaction: 'y' }],
      [bob, { action: 'publish', data: 'd' }],
      [bob, { action: 'delete', seq: 8 }],
      [alice, { action: 'publish', data: 'e' }],
      [alice, { action: 'react', seq: 10, reaction: 'z' }],
    ];
    for (const [socket, frame] of steps) await ok(socket, { ...frame, room: 'mixed' });
    await Promise.all([alice.close(), bob.close()]);
  });

  it('pages ordinary messages only, each in its current state, `limit` to a page, none missed', async () => {
    const carl = await rt.connect('carl');
    await ok(carl, { action: 'join', room: 'mixed' });
    const pages: Message[][] = [];
    const nexts: unknown[] = [];
    let before: number | undefined;
    do {
      const page = await ok(carl, {
        action: 'history',
        room: 'mixed',
        limit: 2,
        ...(before ? { before } : {}),
      });
      pages.push(page.messages as Message[]);
      nexts.push(page.next);
      before = page.next as number | undefined;
    } while (before !== null && pages.length < 6);
    expect(pages.map((p) => p.map((m) => m.seq))).toEqual([[10, 8], [5, 3], [1]]);
    expect(nexts).toEqual([8, 3, null]);
    const all = pages.flat();
    expect(all.every((m) => !('kind' in m) && !('target' in m))).toBe(true);
    expect(all).toMatchObject([
      { seq: 10, data: 'e', reactions: { z: 1 } },
      { seq: 8, data: null, deleted: true },
      { seq: 5, data: 'c', reactions: { x: 1, y: 1 } },
      { seq: 3, data: 'b!', editedAt: expect.any(Number) },
      { seq: 1, data: 'a', reactions: { '👍': 1 } },
    ]);
    expect(all[1]).not.toHaveProperty('reactions');
    expect(all[3]).not.toHaveProperty('reactions');
    await carl.close();
  });

  it('pages the same way over HTTP', async () => {
    const first = await api(rt, 'GET', '/rooms/mixed/messages?limit=2', { as: 'dana' });
    expect(first.status).toBe(200);
    expect((first.body.messages as Message[]).map((m) => m.seq)).toEqual([10, 8]);
    expect(first.body.next).toBe(8);
    const second = await api(rt, 'GET', '/rooms/mixed/messages?limit=2&before=8', { as: 'dana' });
    expect((second.body.messages as Message[]).map((m) => m.seq)).toEqual([5, 3]);
    expect(second.body.messages[0]).toMatchObject({ reactions: { x: 1, y: 1 } });
    const last = await api(rt, 'GET', '/rooms/mixed/messages?limit=2&before=3', { as: 'dana' });
    expect((last.body.messages as Message[]).map((m) => m.seq)).toEqual([1]);
    expect(last.body.next).toBeNull();
  });

  it('replays every entry, lifecycle ones included, to a join with since', async () => {
    const erin = await rt.connect('erin');
    await ok(erin, { action: 'join', room: 'mixed', since: 0 });
    const replayed = roomMessages(erin, 'mixed');
    expect(replayed.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(replayed.filter((m) => m.kind).map((m) => [m.seq, m.kind, m.target])).toEqual([
      [2, 'reaction', 1],
      [4, 'edit', 3],
      [6, 'reaction', 5],
      [7, 'reaction', 5],
      [9, 'delete', 8],
      [11, 'reaction', 10],
    ]);
    expect(replayed[1]).toMatchObject({ reaction: '👍', on: true, data: null });
    await erin.close();
  });
});
