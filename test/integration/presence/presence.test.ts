import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConfig } from '../../../lambdas/core/config.ts';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import { putConnection } from '../../../lambdas/core/store/connections.ts';
import { addMember } from '../../../lambdas/core/store/members.ts';
import { createRoom } from '../../../lambdas/core/store/rooms.ts';
import { subscribe } from '../../../lambdas/core/store/subscriptions.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { type Frame, sleep, type TestSocket } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;
/** The runtime's request log: the gateway writes `DISCONNECT <id> <code> <ms>ms` once `$disconnect` returned. */
const logLines: string[] = [];

beforeAll(async () => {
  rt = await startTestRuntime({ log: (line) => logLines.push(line) });
});
afterAll(() => rt?.stop());

const join = async (socket: TestSocket, room: string) => {
  const reply = await socket.request({ action: 'join', room });
  expect(reply).toMatchObject({ type: 'reply', result: { room } });
};

const isEvent = (event: string, user: string, room: string) => (f: Frame) =>
  f.type === 'event' && f.event === event && f.user === user && f.room === room;

/** The store pointed at the runtime's table, for what only the HTTP API does (private rooms). */
const storeOf = (runtime: TestRuntime): TableDeps => ({
  config: { ...getConfig(), TABLE_NAME: runtime.endpoints.tableName },
  db: runtime.db,
  now: Date.now,
});

const connectionCount = async (userId: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).filter((i) => i.userId === userId).length;

describe('Action: status', () => {
  it('announces the chosen status to the co-subscribers of every room the user is in', async () => {
    const alice = await rt.connect('alice');
    const bob = await rt.connect('bob');
    const carol = await rt.connect('carol');
    await join(alice, 'lobby');
    await join(alice, 'kitchen');
    await join(bob, 'lobby');
    await join(carol, 'kitchen');

    const reply = await alice.request({ action: 'status', status: 'away' });
    expect(reply).toMatchObject({ type: 'reply', result: { status: 'away' } });

    const toBob = await bob.waitFor(isEvent('presence', 'alice', 'lobby'));
    expect(toBob).toMatchObject({ status: 'away', ts: expect.any(Number) });
    expect(await carol.waitFor(isEvent('presence', 'alice', 'kitchen'))).toMatchObject({ status: 'away' });
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });

  it('refuses a status outside online, away and busy', async () => {
    const alice = await rt.connect('alice');
    const reply = await alice.request({ action: 'status', status: 'invisible' });
    expect(reply).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    await alice.close();
  });
});

describe('Action: who', () => {
  it('lists the distinct online users of a room with the status each chose', async () => {
    const dave = await rt.connect('dave');
    const daveTab = await rt.connect('dave');
    const erin = await rt.connect('erin');
    await join(dave, 'den');
    await join(daveTab, 'den');
    await join(erin, 'den');
    await erin.request({ action: 'status', status: 'busy' });

    const reply = await dave.request({ action: 'who', room: 'den' });
    expect(reply.result).toEqual({
      users: [
        { user: 'dave', status: 'online' },
        { user: 'erin', status: 'busy' },
      ],
    });
    await Promise.all([dave.close(), daveTab.close(), erin.close()]);
  });

  it('answers a private room to its members only', async () => {
    const store = storeOf(rt);
    await createRoom(store, {
      roomId: 'vault',
      name: 'vault',
      type: 'private',
      owner: 'judy',
      maxMembers: 0,
    });
    await addMember(store, 'vault', 'kate', 'member');
    const kate = await rt.connect('kate');
    const mallory = await rt.connect('mallory');
    expect(await kate.request({ action: 'who', room: 'vault' })).toMatchObject({
      type: 'reply',
      result: { users: [] },
    });
    expect(await mallory.request({ action: 'who', room: 'vault' })).toMatchObject({
      type: 'error',
      code: 'FORBIDDEN',
    });
    await Promise.all([kate.close(), mallory.close()]);
  });

  it('answers NOT_FOUND for a room that does not exist', async () => {
    const alice = await rt.connect('alice');
    expect(await alice.request({ action: 'who', room: 'nowhere' })).toMatchObject({
      type: 'error',
      code: 'NOT_FOUND',
    });
    await alice.close();
  });
});

describe('Departure', () => {
  it('announces left and offline when the last connection of a user closes, and nothing before', async () => {
    const openBefore = new Set(rt.gateway.connectionIds());
    const frank = await rt.connect('frank');
    const frankId = rt.gateway.connectionIds().find((id) => !openBefore.has(id));
    const frankTab = await rt.connect('frank');
    const grace = await rt.connect('grace');
    await join(frank, 'porch');
    await join(frankTab, 'porch');
    await join(grace, 'porch');

    await frank.close();
    expect(await eventually(async () => (await connectionCount('frank')) === 1)).toBe(true);
    // Its `$disconnect` has returned, announcements included (closing together is
    // exactly-once.test.ts).
    const handled = (line: string) => line.startsWith(`DISCONNECT ${frankId} `) && /\d+ms$/.test(line);
    expect(frankId).toBeDefined();
    expect(await eventually(async () => logLines.some(handled))).toBe(true);
    await frankTab.close();

    const left = await grace.waitFor(isEvent('left', 'frank', 'porch'));
    expect(left).toMatchObject({ ts: expect.any(Number) });
    const offline = await grace.waitFor(isEvent('presence', 'frank', 'porch'));
    expect(offline).toMatchObject({ status: 'offline', lastSeen: expect.any(Number) });
    await sleep(200);
    // The first tab closing changed nothing the room could see.
    expect(grace.frames.filter(isEvent('left', 'frank', 'porch'))).toHaveLength(1);
    expect(grace.frames.filter(isEvent('presence', 'frank', 'porch'))).toHaveLength(1);
    expect((await grace.request({ action: 'who', room: 'porch' })).result).toEqual({
      users: [{ user: 'grace', status: 'online' }],
    });
    await grace.close();
  });

  it('announces left but not offline when the user stays connected elsewhere', async () => {
    const heidi = await rt.connect('heidi');
    const heidiPhone = await rt.connect('heidi');
    const ivan = await rt.connect('ivan');
    await join(heidi, 'attic');
    await join(ivan, 'attic');

    await heidi.close();
    await ivan.waitFor(isEvent('left', 'heidi', 'attic'));
    await sleep(200);
    expect(ivan.frames.filter(isEvent('presence', 'heidi', 'attic'))).toHaveLength(0);
    await Promise.all([heidiPhone.close(), ivan.close()]);
  });

  it('announces left and offline once for a connection that a publish finds gone (410)', async () => {
    // A record whose `$disconnect` never came: the gateway no longer knows the connection.
    const store = storeOf(rt);
    const ghost = 'GhostConn0001A=';
    await putConnection(store, {
      connectionId: ghost,
      userId: 'olga',
      roles: [],
      connectedAt: Date.now() - 120_000,
    });
    const peggy = await rt.connect('peggy');
    await join(peggy, 'cellar');
    await subscribe(store, 'cellar', { connectionId: ghost, userId: 'olga' });

    const reply = await peggy.request({ action: 'publish', room: 'cellar', data: 'anyone?' });
    expect(reply).toMatchObject({ type: 'reply' });
    expect(await peggy.waitFor(isEvent('left', 'olga', 'cellar'))).toMatchObject({ ts: expect.any(Number) });
    expect(await peggy.waitFor(isEvent('presence', 'olga', 'cellar'))).toMatchObject({ status: 'offline' });
    expect(await connectionCount('olga')).toBe(0);
    await peggy.request({ action: 'publish', room: 'cellar', data: 'again' });
    await sleep(300);
    expect(peggy.frames.filter(isEvent('left', 'olga', 'cellar'))).toHaveLength(1);
    expect(peggy.frames.filter(isEvent('presence', 'olga', 'cellar'))).toHaveLength(1);
    expect((await peggy.request({ action: 'who', room: 'cellar' })).result).toEqual({
      users: [{ user: 'peggy', status: 'online' }],
    });
    await peggy.close();
  });
});
