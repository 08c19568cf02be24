import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printCounts } from '../../helpers/counts.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { type Frame, sleep, type TestSocket } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

// Every `$disconnect` is lost: only the sweeper (every 300 ms here, checking connections idle
// for a second) can find the closed sockets. Each user's departure is announced once, also for
// a user whose two connections closed at the same moment.
//
// A second of idleness is shorter than a `$connect` can take on a busy machine (the first one
// also loads the authorizer and the connect function): a sweep may then ask about a connection
// still in its handshake, get the 410 API Gateway answers for those, and prune it (sweeper.ts:
// deployed, SWEEP_IDLE_SECONDS is far above the 29 s a handshake may take). Its first frame
// then answers UNAUTHORIZED "no longer registered; reconnect", and the test reconnects, as a
// client does. Before the sockets close, every connection has been seen open by the sweeper.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({
    scheduleRateMs: 300,
    faults: { dropDisconnect: 1 },
    functionEnv: { SWEEP_IDLE_SECONDS: '1', POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
});
afterAll(() => rt?.stop());

/** Connections pruned during their handshake (see above), reconnected by {@link connectAndJoin}. */
let reconnects = 0;

/**
 * Opens a connection for `user` and joins `room`; a connection the sweeper pruned during its
 * `$connect` is closed and opened again (a few times at most). Fails with the answer otherwise.
 */
async function connectAndJoin(user: string, room: string): Promise<TestSocket> {
  for (let attempt = 1; ; attempt += 1) {
    const socket = await rt.connect(user);
    const answer = await socket.request({ action: 'join', room }, 15_000);
    if (answer.type === 'reply') return socket;
    await socket.close();
    const prunedInHandshake =
      answer.code === 'UNAUTHORIZED' && String(answer.message).includes('no longer registered');
    if (!prunedInHandshake || attempt === 3) {
      throw new Error(`join of ${user} in ${room} answered ${JSON.stringify(answer)}`);
    }
    reconnects += 1;
  }
}

/**
 * Waits until every connection record of `users` has a last-seen record the sweeper moved on
 * (it found the connection open), `expected` of them in all; past that no sweep can take one of
 * them for a handshake.
 */
async function seenOpenBySweeper(users: readonly string[], expected: number): Promise<void> {
  const settled = await eventually(
    async () => {
      const connections = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).filter((c) =>
        users.includes(String(c.userId)),
      );
      const seen = new Map(
        (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'SEEN#')).map((s) => [
          String(s.connectionId),
          Number(s.lastSeenAt),
        ]),
      );
      return (
        connections.length === expected &&
        connections.every((c) => (seen.get(String(c.connectionId)) ?? 0) > Number(c.connectedAt))
      );
    },
    20_000,
    100,
  );
  expect(settled, `${expected} connections of ${users.join(', ')} seen open by the sweeper`).toBe(true);
}

/** Users with `devices` connections each join `room`, then every socket closes at once. */
async function closeAllWithoutDisconnect(room: string, users: readonly string[], devices: number) {
  reconnects = 0;
  const watcher = await connectAndJoin('dd-watcher', room);
  const sockets: TestSocket[] = [];
  for (const user of users) {
    for (let d = 0; d < devices; d += 1) sockets.push(await connectAndJoin(user, room));
  }
  await seenOpenBySweeper(users, sockets.length);
  const event = (name: string, user: string) => (f: Frame) =>
    f.type === 'event' && f.event === name && f.room === room && f.user === user;
  const isOffline = (user: string) => (f: Frame) => event('presence', user)(f) && f.status === 'offline';
  const mark = watcher.frames.length;
  const gone = (user: string) => async () =>
    (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).every((c) => c.userId !== user);

  // Everyone leaves at once; no `$disconnect` reaches the backend.
  await Promise.all(sockets.map((s) => s.close()));
  const recordsLeft = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).filter((c) =>
    users.includes(String(c.userId)),
  ).length;

  const swept = await eventually(
    async () => {
      for (const user of users) if (!(await gone(user)())) return false;
      return true;
    },
    20_000,
    200,
  );
  for (const user of users) await watcher.waitFor(event('left', user), 10_000, mark);
  for (const user of users) await watcher.waitFor(isOffline(user), 10_000, mark);
  // Later sweeps must not announce anyone again.
  await sleep(1500);

  const after = watcher.frames.slice(mark);
  const left = users.map((u) => after.filter(event('left', u)).length);
  const offline = users.map((u) => after.filter(isOffline(u)).length);
  const subscriptions = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `SUBS#${room}`)).map((s) =>
    String(s.userId),
  );
  printCounts(`faults: every $disconnect dropped, ${devices} connection(s) per user`, {
    'connections closed': sockets.length,
    'pruned in their handshake (reconnected)': reconnects,
    users: users.length,
    'records left right after closing': recordsLeft,
    'swept within 20 s': swept ? 'yes' : 'no',
    'left announced once': left.filter((n) => n === 1).length,
    'left announced more than once': left.filter((n) => n > 1).length,
    'offline announced once': offline.filter((n) => n === 1).length,
    'offline announced more than once': offline.filter((n) => n > 1).length,
    'subscriptions left': subscriptions.filter((u) => u !== 'dd-watcher').length,
  });
  await watcher.close();
  return { recordsLeft, sockets: sockets.length, swept, subscriptions, left, offline };
}

describe('Every $disconnect dropped', () => {
  it('sweeps every closed connection and announces each departure once', async () => {
    const users = Array.from({ length: 10 }, (_, i) => `dd-one-${i}`);
    const outcome = await closeAllWithoutDisconnect('dropped-hall', users, 1);
    expect(outcome.recordsLeft).toBe(outcome.sockets);
    expect(outcome.swept).toBe(true);
    expect(outcome.subscriptions).toEqual(['dd-watcher']);
    expect({ left: outcome.left, offline: outcome.offline }).toEqual({
      left: users.map(() => 1),
      offline: users.map(() => 1),
    });
  }, 60_000);

  it('announces once the departure of a user whose two connections are swept together', async () => {
    const users = Array.from({ length: 5 }, (_, i) => `dd-two-${i}`);
    const outcome = await closeAllWithoutDisconnect('dropped-pairs', users, 2);
    expect(outcome.recordsLeft).toBe(outcome.sockets);
    expect(outcome.swept).toBe(true);
    expect(outcome.subscriptions).toEqual(['dd-watcher']);
    expect({ left: outcome.left, offline: outcome.offline }).toEqual({
      left: users.map(() => 1),
      offline: users.map(() => 1),
    });
  }, 60_000);
});
