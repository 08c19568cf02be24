import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { ok, roomEvents, roomsEnv } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

/** Every item but connection and last-seen records (last-seen moves) and rate-limit windows. */
const allItems = async () =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, '')).filter(
    (i) => !/^(CONN|RATE|SEEN)#/.test(String(i.pk)),
  );

describe('Rooms: typing', () => {
  it('reaches the other subscribers, the typist’s other tabs included, but not the typing connection', async () => {
    const [typist, otherTab, reader] = await Promise.all([
      rt.connect('tia'),
      rt.connect('tia'),
      rt.connect('ron'),
    ]);
    for (const socket of [typist, otherTab, reader]) await ok(socket, { action: 'join', room: 'chat' });
    const before = await allItems();

    expect(await ok(typist, { action: 'typing', room: 'chat', state: 'start' })).toEqual({});
    for (const socket of [reader, otherTab]) {
      expect(await socket.waitFor((f) => f.type === 'event' && f.event === 'typing')).toEqual({
        type: 'event',
        event: 'typing',
        room: 'chat',
        user: 'tia',
        state: 'start',
        ts: expect.any(Number),
      });
    }
    // Without a ref there is no reply, and the event still goes out.
    typist.send({ action: 'typing', room: 'chat', state: 'stop' });
    expect(await reader.waitFor((f) => f.type === 'event' && f.state === 'stop')).toMatchObject({
      user: 'tia',
    });
    await ok(typist, { action: 'ping' });
    expect(roomEvents(typist, 'chat', 'typing')).toHaveLength(0);
    // join, typing start and ping: the ref-less typing got no answer at all.
    expect(typist.ofType('reply')).toHaveLength(3);
    expect(typist.ofType('error')).toHaveLength(0);

    // Never stored: the table holds what it held before.
    expect(await allItems()).toEqual(before);
    await Promise.all([typist.close(), otherTab.close(), reader.close()]);
  });

  it('refuses typing from a connection that is not subscribed to the room', async () => {
    const [inside, outside] = await Promise.all([rt.connect('ina'), rt.connect('oto')]);
    await ok(inside, { action: 'join', room: 'quiet' });
    expect(await outside.request({ action: 'typing', room: 'quiet', state: 'start' })).toMatchObject({
      type: 'error',
      code: 'FORBIDDEN',
    });
    expect(await outside.request({ action: 'typing', room: 'nowhere', state: 'start' })).toMatchObject({
      code: 'NOT_FOUND',
    });
    await ok(inside, { action: 'ping' });
    expect(inside.ofType('event')).toHaveLength(0);
    await Promise.all([inside.close(), outside.close()]);
  });
});
