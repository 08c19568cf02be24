import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { type Frame, sleep, type TestSocket } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  // Connections idle for a second are checked, by a sweep every 300 ms.
  rt = await startTestRuntime({ scheduleRateMs: 300, functionEnv: { SWEEP_IDLE_SECONDS: '1' } });
  // The first handshake also loads the authorizer and the connect function: on a busy machine
  // longer than the one-second horizon, and a sweep then prunes the connection on the 410 of a
  // socket still in its handshake (config.ts SWEEP_IDLE_SECONDS). A connection no test uses
  // takes that cold start.
  const warmUp = await rt.connect('sweep-warm-up');
  await warmUp.close();
});
afterAll(() => rt?.stop());

const join = async (socket: TestSocket, room: string) => {
  expect(await socket.request({ action: 'join', room })).toMatchObject({ type: 'reply' });
};

const isEvent = (event: string, user: string, room: string) => (f: Frame) =>
  f.type === 'event' && f.event === event && f.user === user && f.room === room;

const connectionsOf = async (userId: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).filter((i) => i.userId === userId);

const seenOf = async (connectionId: unknown) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'SEEN#')).filter(
    (i) => i.connectionId === connectionId,
  );

const subscribersOf = async (room: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `SUBS#${room}`)).map((i) => i.userId);

describe('Schedule: sweep', () => {
  it('prunes a connection whose $disconnect was lost, with its subscriptions, and announces it', async () => {
    const ghost = await rt.connect('ghost');
    const watcher = await rt.connect('watcher');
    await join(ghost, 'hall');
    await join(watcher, 'hall');
    const [record] = await connectionsOf('ghost');
    expect(record).toBeDefined();

    rt.gateway.setFaults({ dropDisconnect: 1 });
    await ghost.close();
    rt.gateway.setFaults({ dropDisconnect: 0 });
    // The records outlived the socket; only the sweeper can find out, from the last-seen record.
    expect(await connectionsOf('ghost')).toHaveLength(1);
    expect(await seenOf(record?.connectionId)).toHaveLength(1);

    expect(await eventually(async () => (await connectionsOf('ghost')).length === 0, 15_000)).toBe(true);
    // The last-seen record goes right after the connection record (one request later).
    expect(await eventually(async () => (await seenOf(record?.connectionId)).length === 0)).toBe(true);
    // The subscriptions go right after the record.
    expect(await eventually(async () => (await subscribersOf('hall')).join() === 'watcher')).toBe(true);
    expect(await watcher.waitFor(isEvent('left', 'ghost', 'hall'), 15_000)).toBeDefined();
    expect(await watcher.waitFor(isEvent('presence', 'ghost', 'hall'), 15_000)).toMatchObject({
      status: 'offline',
    });
    const who = await watcher.request({ action: 'who', room: 'hall' });
    expect(who.result).toEqual({ users: [{ user: 'watcher', status: 'online' }] });
    await watcher.close();
  });

  it('keeps a live connection that has been idle past the horizon, and checks it with GET @connections', async () => {
    const idle = await rt.connect('idler');
    await join(idle, 'nook');
    const [record] = await connectionsOf('idler');
    const [seen] = await seenOf(record?.connectionId);
    const checksBefore = rt.gateway.stats().gets200 ?? 0;

    // Past the one-second horizon, the sweeper asks API Gateway and moves last-seen on.
    const refreshed = await eventually(async () => {
      const [now] = await seenOf(record?.connectionId);
      return (now?.lastSeenAt as number) > (seen?.lastSeenAt as number);
    }, 15_000);
    expect(refreshed).toBe(true);
    expect(rt.gateway.stats().gets200 ?? 0).toBeGreaterThan(checksBefore);
    expect(await connectionsOf('idler')).toHaveLength(1);
    expect((await idle.request({ action: 'who', room: 'nook' })).result).toEqual({
      users: [{ user: 'idler', status: 'online' }],
    });
    await idle.close();
  });

  it('announces left and offline once when it closes several connections of a user whose $disconnect was dropped', {
    timeout: 60_000,
  }, async () => {
    const observer = await rt.connect('watch-swept');
    await join(observer, 'swept');
    const tabs = await Promise.all([1, 2, 3, 4, 5].map(() => rt.connect('ghosts')));
    await Promise.all(tabs.map((tab) => join(tab, 'swept')));

    rt.gateway.setFaults({ dropDisconnect: 1 });
    await Promise.all(tabs.map((tab) => tab.close()));
    rt.gateway.setFaults({ dropDisconnect: 0 });
    expect(await connectionsOf('ghosts')).toHaveLength(5);

    expect(await eventually(async () => (await connectionsOf('ghosts')).length === 0, 30_000)).toBe(true);
    await observer.waitFor(isEvent('presence', 'ghosts', 'swept'), 15_000);
    // Long enough for each of the five closes to have announced, had it thought itself the last.
    await sleep(1500);
    expect(observer.frames.filter(isEvent('left', 'ghosts', 'swept'))).toHaveLength(1);
    expect(observer.frames.filter(isEvent('presence', 'ghosts', 'swept'))).toHaveLength(1);
    await observer.close();
  });
});
