import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { historyItems, ok, roomMessages, roomsEnv } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

describe('Rooms: edit, delete and react retried with the same id', () => {
  it('answers the first seq and stores each entry once', async () => {
    const [alice, bob] = await Promise.all([rt.connect('alice'), rt.connect('bob')]);
    await ok(alice, { action: 'join', room: 'retries' });
    await ok(bob, { action: 'join', room: 'retries' });
    await ok(alice, { action: 'publish', room: 'retries', data: 'one' });
    await ok(alice, { action: 'publish', room: 'retries', data: 'two' });

    const edit = { action: 'edit', room: 'retries', seq: 1, data: 'one!', id: 'e-1' };
    expect(await ok(alice, edit)).toEqual({ seq: 3 });
    expect(await ok(alice, edit)).toEqual({ seq: 3 });

    const off = { action: 'react', room: 'retries', seq: 1, reaction: 'a', on: false, id: 'r-off' };
    await ok(alice, { action: 'react', room: 'retries', seq: 1, reaction: 'a' });
    expect(await ok(alice, off)).toEqual({ seq: 5 });
    expect(await ok(alice, off)).toEqual({ seq: 5 });

    const remove = { action: 'delete', room: 'retries', seq: 2, id: 'd-1' };
    expect(await ok(alice, remove)).toEqual({ seq: 6 });
    expect(await ok(alice, remove)).toEqual({ seq: 6 });

    await ok(bob, { action: 'ping' });
    expect(roomMessages(bob, 'retries').map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await historyItems(rt, 'retries')).toHaveLength(6);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('forgets the id of a refused frame, so its retry is judged afresh', async () => {
    const [carl, dana] = await Promise.all([rt.connect('carl'), rt.connect('dana')]);
    await ok(carl, { action: 'join', room: 'refused-retries' });
    await ok(dana, { action: 'join', room: 'refused-retries' });
    await ok(carl, { action: 'publish', room: 'refused-retries', data: 'x' });
    const react = { action: 'react', room: 'refused-retries', seq: 2, reaction: 'a', id: 'k-1' };
    expect(await dana.request(react)).toMatchObject({ code: 'NOT_FOUND' });
    await ok(carl, { action: 'publish', room: 'refused-retries', data: 'y' });
    expect(await ok(dana, react)).toEqual({ seq: 3 });
    await Promise.all([carl.close(), dana.close()]);
  });
});
