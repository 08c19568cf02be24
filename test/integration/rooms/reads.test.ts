import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { ok, roomEvents, roomsEnv, seedRoom } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

const cursorOf = async (roomId: string, userId: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `ROOM#${roomId}`)).find(
    (i) => i.sk === `READ#${userId}`,
  )?.upTo;

describe('Rooms: read receipts', () => {
  it('moves the cursor forward, answers the unread count and never moves it back', async () => {
    const [ann, bob] = await Promise.all([rt.connect('ann'), rt.connect('bob')]);
    await ok(ann, { action: 'join', room: 'desk' });
    await ok(bob, { action: 'join', room: 'desk' });
    for (let i = 1; i <= 5; i += 1) await ok(ann, { action: 'publish', room: 'desk', data: i });

    expect(await ok(bob, { action: 'read', room: 'desk', upTo: 3 })).toEqual({ unread: 2 });
    expect(await cursorOf('desk', 'bob')).toBe(3);
    expect(await ok(bob, { action: 'read', room: 'desk', upTo: 1 })).toEqual({ unread: 2 });
    expect(await cursorOf('desk', 'bob')).toBe(3);

    await ok(ann, { action: 'publish', room: 'desk', data: 6 });
    expect(await ok(bob, { action: 'read', room: 'desk', upTo: 4 })).toEqual({ unread: 2 });
    // A cursor past the latest message stops at it: later messages still count as unread.
    expect(await ok(bob, { action: 'read', room: 'desk', upTo: 1000 })).toEqual({ unread: 0 });
    await ok(ann, { action: 'publish', room: 'desk', data: 7 });
    expect(await ok(bob, { action: 'read', room: 'desk', upTo: 6 })).toEqual({ unread: 1 });
    await Promise.all([ann.close(), bob.close()]);
  });

  it('emits a read event to the other subscribers, not for a receipt that moves nothing', async () => {
    const [cat, dan] = await Promise.all([rt.connect('cat'), rt.connect('dan')]);
    await ok(cat, { action: 'join', room: 'office' });
    await ok(dan, { action: 'join', room: 'office' });
    for (let i = 1; i <= 3; i += 1) await ok(cat, { action: 'publish', room: 'office', data: i });

    await ok(dan, { action: 'read', room: 'office', upTo: 2 });
    expect(await cat.waitFor((f) => f.type === 'event' && f.event === 'read')).toEqual({
      type: 'event',
      event: 'read',
      room: 'office',
      user: 'dan',
      upTo: 2,
      ts: expect.any(Number),
    });
    await ok(dan, { action: 'read', room: 'office', upTo: 1 });
    await ok(cat, { action: 'ping' });
    expect(roomEvents(cat, 'office', 'read')).toHaveLength(1);
    expect(roomEvents(dan, 'office', 'read')).toHaveLength(0);
    await Promise.all([cat.close(), dan.close()]);
  });

  it('refuses a receipt in a private room without membership and in a room that does not exist', async () => {
    await seedRoom(rt, { roomId: 'locked', type: 'private', owner: 'olga' });
    const eve = await rt.connect('eve');
    expect(await eve.request({ action: 'read', room: 'locked', upTo: 1 })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await eve.request({ action: 'read', room: 'gone', upTo: 1 })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await cursorOf('locked', 'eve')).toBeUndefined();
    await eve.close();
  });
});
