import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { ok, roomMessages, roomsEnv, seedRoom } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

describe('Rooms: edit and delete', () => {
  it('delivers an edit and a delete as entries with the next seq, and history shows the current state', async () => {
    const [alice, bob] = await Promise.all([rt.connect('alice'), rt.connect('bob')]);
    await ok(alice, { action: 'join', room: 'edits' });
    await ok(bob, { action: 'join', room: 'edits' });
    await ok(alice, { action: 'publish', room: 'edits', data: 'helo' });
    await ok(alice, { action: 'publish', room: 'edits', data: 'bye' });

    expect(await ok(alice, { action: 'edit', room: 'edits', seq: 1, data: 'hello' })).toEqual({ seq: 3 });
    expect(await ok(alice, { action: 'delete', room: 'edits', seq: 2 })).toEqual({ seq: 4 });
    await ok(bob, { action: 'ping' });
    expect(roomMessages(bob, 'edits').slice(2)).toMatchObject([
      { seq: 3, kind: 'edit', target: 1, data: 'hello', from: 'alice' },
      { seq: 4, kind: 'delete', target: 2, data: null, from: 'alice' },
    ]);
    const page = await ok(bob, { action: 'history', room: 'edits' });
    const messages = page.messages as Record<string, unknown>[];
    expect(messages.find((m) => m.seq === 1)).toMatchObject({ data: 'hello', editedAt: expect.any(Number) });
    expect(messages.find((m) => m.seq === 2)).toMatchObject({ data: null, deleted: true });
    await Promise.all([alice.close(), bob.close()]);
  });

  it("refuses someone else's edit, an unknown, deleted or lifecycle target, and a stranger's delete", async () => {
    const [carl, dana] = await Promise.all([rt.connect('carl'), rt.connect('dana')]);
    await ok(carl, { action: 'join', room: 'rules' });
    await ok(dana, { action: 'join', room: 'rules' });
    await ok(carl, { action: 'publish', room: 'rules', data: 'mine' });
    expect(await dana.request({ action: 'edit', room: 'rules', seq: 1, data: 'x' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await dana.request({ action: 'delete', room: 'rules', seq: 1 })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await carl.request({ action: 'edit', room: 'rules', seq: 9, data: 'x' })).toMatchObject({
      code: 'NOT_FOUND',
    });
    await ok(carl, { action: 'edit', room: 'rules', seq: 1, data: 'mine!' });
    expect(await carl.request({ action: 'edit', room: 'rules', seq: 2, data: 'x' })).toMatchObject({
      code: 'NOT_FOUND',
    });
    await ok(carl, { action: 'delete', room: 'rules', seq: 1 });
    expect(await carl.request({ action: 'delete', room: 'rules', seq: 1 })).toMatchObject({
      code: 'NOT_FOUND',
    });
    const page = await ok(carl, { action: 'history', room: 'rules' });
    expect(page.messages).toMatchObject([{ seq: 1, deleted: true, data: null }]);
    await Promise.all([carl.close(), dana.close()]);
  });

  it("lets the room's owner delete another's message", async () => {
    await seedRoom(rt, { roomId: 'owned', owner: 'olga' });
    const [olga, pete] = await Promise.all([rt.connect('olga'), rt.connect('pete')]);
    await ok(olga, { action: 'join', room: 'owned' });
    await ok(pete, { action: 'join', room: 'owned' });
    await ok(pete, { action: 'publish', room: 'owned', data: 'spam' });
    expect(await ok(olga, { action: 'delete', room: 'owned', seq: 1 })).toEqual({ seq: 2 });
    await Promise.all([olga.close(), pete.close()]);
  });
});
