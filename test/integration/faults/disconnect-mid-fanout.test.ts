import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printCounts } from '../../helpers/counts.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { type Frame, sleep, type TestSocket } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

// A room of forty subscribers; a publish fans out slowly (every post takes 15 ms, four at a
// time), and once the first subscriber has it, ten others close their sockets. The
// publisher gets its reply, the rest get the message once, the gone connections are removed
// and each departure is announced once.
const subscriberCount = 40;
const closing = 10;
const room = 'fanout-leavers';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({
    faults: { latencyMs: 15 },
    functionEnv: { DELIVERY_CONCURRENCY: '4', POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
});
afterAll(() => rt?.stop());

const isLeft = (user: string) => (f: Frame) =>
  f.type === 'event' && f.event === 'left' && f.room === room && f.user === user;

describe('A recipient disconnecting mid fan-out', () => {
  it('answers the publisher, reaches the rest once, removes the gone and announces each once', async () => {
    const publisher = await rt.connect('fl-pub');
    expect(await publisher.request({ action: 'join', room }, 15_000)).toMatchObject({ type: 'reply' });
    const users = Array.from({ length: subscriberCount }, (_, i) => `fl-${i}`);
    const sockets: TestSocket[] = [];
    for (let i = 0; i < users.length; i += 20) {
      const batch = await Promise.all(users.slice(i, i + 20).map((u) => rt.connect(u)));
      await Promise.all(batch.map((s) => s.request({ action: 'join', room }, 15_000)));
      sockets.push(...batch);
    }
    // Joins are announced while the room fills; what follows is counted from here.
    await sleep(500);
    const mark = publisher.frames.length;
    const goneBefore = rt.gateway.stats().posts410 ?? 0;

    const answer = publisher.request({ action: 'publish', room, data: 'mid fan-out', id: 'fl-1' }, 20_000);
    const isMessage = (f: Frame) => f.type === 'message' && f.data === 'mid fan-out';
    const first = await Promise.race(sockets.map((s, i) => s.waitFor(isMessage, 20_000).then(() => i)));
    const leavers = sockets
      .map((s, i) => ({ s, i }))
      .filter(({ s, i }) => i !== first && !s.frames.some(isMessage))
      .slice(0, closing);
    await Promise.all(leavers.map(({ s }) => s.close()));
    const reply = await answer;
    const leaving = new Set(leavers.map(({ i }) => i));
    const staying = sockets.filter((_, i) => !leaving.has(i));
    for (const s of staying) await s.waitFor(isMessage, 20_000);

    const goneUsers = leavers.map(({ i }) => `fl-${i}`);
    const removed = await eventually(async () => {
      const conns = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#');
      const subs = await itemsWithPrefix(rt.db, rt.endpoints.tableName, `SUBS#${room}`);
      return [...conns, ...subs].every((item) => !goneUsers.includes(String(item.userId)));
    }, 15_000);
    for (const user of goneUsers) await publisher.waitFor(isLeft(user), 15_000, mark);
    await sleep(1000);

    const after = publisher.frames.slice(mark);
    const leftCounts = goneUsers.map((user) => after.filter(isLeft(user)).length);
    const receivedBeforeClosing = leavers.filter(({ s }) => s.frames.some(isMessage)).length;
    const stayingCounts = staying.map((s) => s.frames.filter(isMessage).length);
    printCounts('faults: recipients disconnecting mid fan-out', {
      subscribers: subscriberCount,
      'closed during the fan-out': leavers.length,
      'closed ones that still got it': receivedBeforeClosing,
      'posts answered 410 (gone)': (rt.gateway.stats().posts410 ?? 0) - goneBefore,
      'staying that received it': stayingCounts.filter((n) => n >= 1).length,
      'staying that received it more than once': stayingCounts.filter((n) => n > 1).length,
      lost: stayingCounts.filter((n) => n === 0).length,
      'publisher answer': String(reply.type),
      'gone connections and subscriptions removed': removed ? 'yes' : 'no',
      'departures announced once': leftCounts.filter((n) => n === 1).length,
      'departures announced more than once': leftCounts.filter((n) => n > 1).length,
    });
    expect(reply).toMatchObject({ type: 'reply', result: { seq: expect.any(Number) } });
    expect(leavers.length).toBeGreaterThan(0);
    expect(stayingCounts.every((n) => n === 1)).toBe(true);
    expect(removed).toBe(true);
    expect(leftCounts.every((n) => n === 1)).toBe(true);
    expect(publisher.ofType('error')).toEqual([]);
    await Promise.all([publisher, ...staying].map((s) => s.close()));
  }, 90_000);
});
