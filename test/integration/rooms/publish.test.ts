import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';
import { historyItems, ok, roomMessages, roomsEnv, seedRoom } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

describe('Rooms: publish', () => {
  it('delivers to every subscriber, the sender included, and to no one else', async () => {
    const [alice, alicePhone, bob, outsider] = await Promise.all([
      rt.connect('alice'),
      rt.connect('alice'),
      rt.connect('bob'),
      rt.connect('olive'),
    ]);
    await ok(alice, { action: 'join', room: 'news' });
    await ok(alicePhone, { action: 'join', room: 'news' });
    await ok(bob, { action: 'join', room: 'news' });
    await ok(outsider, { action: 'join', room: 'elsewhere' });

    const result = await ok(alice, { action: 'publish', room: 'news', data: { text: 'hello' } });
    expect(result).toEqual({ messageId: expect.any(String), seq: 1, ts: expect.any(Number) });
    const expected = {
      type: 'message',
      id: result.messageId,
      from: 'alice',
      room: 'news',
      seq: 1,
      data: { text: 'hello' },
      ts: result.ts,
    };
    for (const socket of [alice, alicePhone, bob]) {
      expect(await socket.waitFor((f) => f.type === 'message')).toEqual(expected);
    }
    await ok(outsider, { action: 'ping' });
    expect(outsider.ofType('message')).toHaveLength(0);
    await Promise.all([alice, alicePhone, bob, outsider].map((s) => s.close()));
  });

  it('numbers 8 concurrent publishers x 15 messages 1..120 with no gap and no repeat', async () => {
    const room = 'stampede';
    const watcher = await rt.connect('watcher');
    await ok(watcher, { action: 'join', room });
    const publishers = await Promise.all(Array.from({ length: 8 }, (_, p) => rt.connect(`pub${p}`)));
    for (const socket of publishers) await ok(socket, { action: 'join', room });

    const replies = await Promise.all(
      publishers.map(async (socket, p) => {
        const seqs: number[] = [];
        for (let i = 0; i < 15; i += 1) {
          const result = await ok(socket, { action: 'publish', room, data: { p, i } });
          seqs.push(result.seq as number);
        }
        return seqs;
      }),
    );
    const all = Array.from({ length: 120 }, (_, i) => i + 1);
    expect(replies.flat().sort((a, b) => a - b)).toEqual(all);
    // Each publisher's own messages are numbered in the order it sent them.
    for (const seqs of replies) expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    expect(await eventually(async () => roomMessages(watcher, room).length >= 120, 20_000)).toBe(true);
    const received = roomMessages(watcher, room).map((m) => m.seq as number);
    expect([...received].sort((a, b) => a - b)).toEqual(all);

    const fromHistory: number[] = [];
    let before: number | null | undefined;
    do {
      const page = await ok(watcher, { action: 'history', room, limit: 100, ...(before ? { before } : {}) });
      fromHistory.push(...(page.messages as { seq: number }[]).map((m) => m.seq));
      before = page.next as number | null;
    } while (before);
    expect(fromHistory).toEqual([...all].reverse());
    await Promise.all([watcher, ...publishers].map((s) => s.close()));
  });

  it('stores and delivers a retried publish with the same id once, replying with the first result', async () => {
    const [cleo, dirk] = await Promise.all([rt.connect('cleo'), rt.connect('dirk')]);
    await ok(cleo, { action: 'join', room: 'retry' });
    await ok(dirk, { action: 'join', room: 'retry' });
    const first = await ok(cleo, { action: 'publish', room: 'retry', data: 'once', id: 'k1' });
    const second = await ok(cleo, { action: 'publish', room: 'retry', data: 'once', id: 'k1' });
    expect(second).toEqual(first);
    // Two copies sent at the same moment are stored once as well.
    const [a, b] = await Promise.all([
      ok(cleo, { action: 'publish', room: 'retry', data: 'twin', id: 'k2' }),
      ok(cleo, { action: 'publish', room: 'retry', data: 'twin', id: 'k2' }),
    ]);
    expect(a).toEqual(b);
    expect(await historyItems(rt, 'retry')).toHaveLength(2);
    // The key belongs to the user: another user's k1 is another message.
    const other = await ok(dirk, { action: 'publish', room: 'retry', data: 'mine', id: 'k1' });
    expect(other.seq).toBe(3);
    await ok(dirk, { action: 'ping' });
    expect(roomMessages(dirk, 'retry').map((m) => m.data)).toEqual(['once', 'twin', 'mine']);
    await Promise.all([cleo.close(), dirk.close()]);
  });

  it('refuses a room that does not exist, a private room without membership and a room never joined', async () => {
    const eli = await rt.connect('eli');
    expect(await eli.request({ action: 'publish', room: 'ghost-town', data: 1 })).toMatchObject({
      type: 'error',
      code: 'NOT_FOUND',
    });
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'ROOM#ghost-town')).toHaveLength(0);
    await seedRoom(rt, { roomId: 'board', type: 'private', owner: 'olga' });
    expect(await eli.request({ action: 'publish', room: 'board', data: 1 })).toMatchObject({
      code: 'FORBIDDEN',
    });
    await seedRoom(rt, { roomId: 'square' });
    expect(await eli.request({ action: 'publish', room: 'square', data: 1 })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await historyItems(rt, 'board')).toHaveLength(0);
    expect(await historyItems(rt, 'square')).toHaveLength(0);
    await eli.close();
  });

  it('keeps publishing open to a member whose connection is not subscribed', async () => {
    const fox = await rt.connect('fox');
    await ok(fox, { action: 'join', room: 'garden' });
    await ok(fox, { action: 'leave', room: 'garden' });
    expect(await ok(fox, { action: 'publish', room: 'garden', data: 'still a member' })).toMatchObject({
      seq: 1,
    });
    await fox.close();
  });
});
