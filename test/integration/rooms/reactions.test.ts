import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { ok, roomMessages, roomsEnv } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

/** The first message of the room as `history` shows it. */
const firstOf = async (socket: Parameters<typeof ok>[0], room: string) =>
  ((await ok(socket, { action: 'history', room })).messages as Record<string, unknown>[]).find(
    (m) => m.seq === 1,
  );

describe('Rooms: react', () => {
  it('delivers a reaction as an entry with the next seq and counts it on the target', async () => {
    const [alice, bob] = await Promise.all([rt.connect('alice'), rt.connect('bob')]);
    await ok(alice, { action: 'join', room: 'likes' });
    await ok(bob, { action: 'join', room: 'likes' });
    await ok(alice, { action: 'publish', room: 'likes', data: 'hi' });

    expect(await ok(bob, { action: 'react', room: 'likes', seq: 1, reaction: '👍' })).toEqual({ seq: 2 });
    expect(await ok(alice, { action: 'react', room: 'likes', seq: 1, reaction: '👍', on: true })).toEqual({
      seq: 3,
    });
    await ok(alice, { action: 'ping' });
    expect(roomMessages(alice, 'likes').slice(1)).toMatchObject([
      { seq: 2, kind: 'reaction', target: 1, reaction: '👍', on: true, data: null, from: 'bob' },
      { seq: 3, kind: 'reaction', target: 1, reaction: '👍', on: true, data: null, from: 'alice' },
    ]);
    expect(await firstOf(alice, 'likes')).toMatchObject({ seq: 1, data: 'hi', reactions: { '👍': 2 } });
    await Promise.all([alice.close(), bob.close()]);
  });

  it('refuses a caller who has not joined as such, whether or not the target exists, storing nothing', async () => {
    const [erin, fred] = await Promise.all([rt.connect('erin'), rt.connect('fred')]);
    await ok(erin, { action: 'join', room: 'closed-door' });
    await ok(erin, { action: 'publish', room: 'closed-door', data: 'hi' });
    for (const seq of [1, 99]) {
      expect(await fred.request({ action: 'react', room: 'closed-door', seq, reaction: '👍' })).toMatchObject(
        {
          type: 'error',
          code: 'FORBIDDEN',
        },
      );
    }
    expect(await firstOf(erin, 'closed-door')).not.toHaveProperty('reactions');
    await Promise.all([erin.close(), fred.close()]);
  });

  it('counts a repeated reaction once and answers the seq that added it, storing nothing', async () => {
    const [carl, dana] = await Promise.all([rt.connect('carl'), rt.connect('dana')]);
    await ok(carl, { action: 'join', room: 'twice' });
    await ok(dana, { action: 'join', room: 'twice' });
    await ok(carl, { action: 'publish', room: 'twice', data: 'x' });
    expect(await ok(carl, { action: 'react', room: 'twice', seq: 1, reaction: 'ok' })).toEqual({ seq: 2 });
    expect(await ok(carl, { action: 'react', room: 'twice', seq: 1, reaction: 'ok' })).toEqual({ seq: 2 });
    await ok(dana, { action: 'ping' });
    expect(roomMessages(dana, 'twice').map((m) => m.seq)).toEqual([1, 2]);
    expect(await firstOf(dana, 'twice')).toMatchObject({ reactions: { ok: 1 } });
    await Promise.all([carl.close(), dana.close()]);
  });

  it('removes a reaction with on: false, drops a count at 0, and refuses an off the caller does not hold', async () => {
    const [erin, finn] = await Promise.all([rt.connect('erin'), rt.connect('finn')]);
    await ok(erin, { action: 'join', room: 'offs' });
    await ok(finn, { action: 'join', room: 'offs' });
    await ok(erin, { action: 'publish', room: 'offs', data: 'x' });
    await ok(erin, { action: 'react', room: 'offs', seq: 1, reaction: 'a' });
    await ok(erin, { action: 'react', room: 'offs', seq: 1, reaction: 'b' });
    expect(
      await finn.request({ action: 'react', room: 'offs', seq: 1, reaction: 'a', on: false }),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await ok(erin, { action: 'react', room: 'offs', seq: 1, reaction: 'a', on: false })).toEqual({
      seq: 4,
    });
    expect(
      await erin.request({ action: 'react', room: 'offs', seq: 1, reaction: 'a', on: false }),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    await ok(finn, { action: 'ping' });
    expect(roomMessages(finn, 'offs').at(-1)).toMatchObject({
      seq: 4,
      kind: 'reaction',
      reaction: 'a',
      on: false,
    });
    expect((await firstOf(finn, 'offs'))?.reactions).toEqual({ b: 1 });
    await ok(erin, { action: 'react', room: 'offs', seq: 1, reaction: 'b', on: false });
    expect(await firstOf(finn, 'offs')).not.toHaveProperty('reactions');
    // Added again after removal: a new entry, counted again.
    expect(await ok(erin, { action: 'react', room: 'offs', seq: 1, reaction: 'a' })).toEqual({ seq: 6 });
    expect((await firstOf(finn, 'offs'))?.reactions).toEqual({ a: 1 });
    await Promise.all([erin.close(), finn.close()]);
  });

  it('refuses an unknown, deleted or lifecycle target and a reaction empty or over 32 code points, storing nothing', async () => {
    const gus = await rt.connect('gus');
    await ok(gus, { action: 'join', room: 'bad-reacts' });
    await ok(gus, { action: 'publish', room: 'bad-reacts', data: 'x' });
    await ok(gus, { action: 'publish', room: 'bad-reacts', data: 'y' });
    await ok(gus, { action: 'delete', room: 'bad-reacts', seq: 2 });
    for (const seq of [9, 2, 3])
      expect(await gus.request({ action: 'react', room: 'bad-reacts', seq, reaction: 'a' })).toMatchObject({
        code: 'NOT_FOUND',
      });
    for (const reaction of ['', '😀'.repeat(33), 'a'.repeat(33)])
      expect(await gus.request({ action: 'react', room: 'bad-reacts', seq: 1, reaction })).toMatchObject({
        code: 'BAD_REQUEST',
      });
    // 32 code points of 2 UTF-16 units each is within the limit.
    expect(await ok(gus, { action: 'react', room: 'bad-reacts', seq: 1, reaction: '😀'.repeat(32) })).toEqual(
      {
        seq: 4,
      },
    );
    const items = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'HIST#bad-reacts#');
    expect(items).toHaveLength(4);
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'REACT#bad-reacts#')).toHaveLength(1);
    await gus.close();
  });
});
