import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { type Frame, sleep, type TestSocket } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const join = async (socket: TestSocket, room: string) => {
  expect(await socket.request({ action: 'join', room }, 20_000)).toMatchObject({
    type: 'reply',
    result: { room },
  });
};

const isEvent = (event: string, user: string, room: string) => (f: Frame) =>
  f.type === 'event' && f.event === event && f.user === user && f.room === room;

const count = (socket: TestSocket, event: string, user: string, room: string) =>
  socket.frames.filter(isEvent(event, user, room)).length;

const connectionsOf = async (userId: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).filter((i) => i.userId === userId);

/**
 * Waits until the observer has received nothing new for `quietMs`: the queued paths (departures
 * handed to the delivery worker) have had their chance to announce twice.
 */
async function untilQuiet(observer: TestSocket, quietMs = 600): Promise<void> {
  let seen = -1;
  while (seen !== observer.frames.length) {
    seen = observer.frames.length;
    await sleep(quietMs);
  }
}

/** Opens `n` connections of one user, each subscribed to the room (one after another). */
async function openSubscribed(user: string, room: string, n: number): Promise<TestSocket[]> {
  const sockets: TestSocket[] = [];
  for (let i = 0; i < n; i += 1) {
    const socket = await rt.connect(user);
    await join(socket, room);
    sockets.push(socket);
  }
  return sockets;
}

// Generous timeouts: each close and join is a cold function invocation on a busy machine.
describe('Presence: exactly once', { timeout: 60_000 }, () => {
  for (const n of [2, 5]) {
    it(`announces one left and one offline when ${n} connections of a user close at the same moment`, async () => {
      const room = `close-${n}`;
      const user = `closer${n}`;
      const observer = await rt.connect(`watch-close-${n}`);
      await join(observer, room);
      const tabs = await openSubscribed(user, room, n);
      expect(count(observer, 'joined', user, room)).toBe(1);

      await Promise.all(tabs.map((tab) => tab.close()));
      expect(await eventually(async () => (await connectionsOf(user)).length === 0, 20_000)).toBe(true);
      await observer.waitFor(isEvent('left', user, room), 20_000);
      await observer.waitFor(isEvent('presence', user, room), 20_000);
      await untilQuiet(observer);

      expect(count(observer, 'left', user, room)).toBe(1);
      expect(count(observer, 'presence', user, room)).toBe(1);
      expect(observer.frames.find(isEvent('presence', user, room))).toMatchObject({ status: 'offline' });
      await observer.close();
    });
  }

  it('announces one joined when five connections of a user join at the same moment', async () => {
    const observer = await rt.connect('watch-join');
    await join(observer, 'join-5');
    const tabs = await Promise.all(Array.from({ length: 5 }, () => rt.connect('joiner')));

    await Promise.all(tabs.map((tab) => join(tab, 'join-5')));
    await observer.waitFor(isEvent('joined', 'joiner', 'join-5'), 20_000);
    await untilQuiet(observer);

    expect(count(observer, 'joined', 'joiner', 'join-5')).toBe(1);
    await Promise.all(tabs.map((tab) => tab.close()));
    await observer.waitFor(isEvent('left', 'joiner', 'join-5'), 20_000);
    await untilQuiet(observer);
    expect(count(observer, 'left', 'joiner', 'join-5')).toBe(1);
    await observer.close();
  });

  it('announces neither left nor offline when one of two connections closes', async () => {
    const observer = await rt.connect('watch-half');
    await join(observer, 'half');
    const [first, second] = await openSubscribed('halver', 'half', 2);

    await first?.close();
    expect(await eventually(async () => (await connectionsOf('halver')).length === 1, 20_000)).toBe(true);
    await untilQuiet(observer);
    expect(count(observer, 'left', 'halver', 'half')).toBe(0);
    expect(count(observer, 'presence', 'halver', 'half')).toBe(0);

    // The second one, alone now, is the user's departure.
    await second?.close();
    await observer.waitFor(isEvent('presence', 'halver', 'half'), 20_000);
    await untilQuiet(observer);
    expect(count(observer, 'left', 'halver', 'half')).toBe(1);
    expect(count(observer, 'presence', 'halver', 'half')).toBe(1);
    await observer.close();
  });

  it('announces a departure record once when the delivery worker receives it twice', async () => {
    const observer = await rt.connect('watch-record');
    await join(observer, 'record');
    const record = {
      type: 'departure',
      connection: {
        connectionId: 'GoneTwice001A=',
        userId: 'twice',
        rooms: ['record'],
        lastSeen: 1,
        offline: true,
      },
    };
    const queueUrl = rt.endpoints.queues.deliveries;
    for (const _ of [1, 2])
      await rt.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));

    await observer.waitFor(isEvent('presence', 'twice', 'record'), 20_000);
    await untilQuiet(observer);
    expect(count(observer, 'left', 'twice', 'record')).toBe(1);
    expect(count(observer, 'presence', 'twice', 'record')).toBe(1);
    await observer.close();
  });
});
