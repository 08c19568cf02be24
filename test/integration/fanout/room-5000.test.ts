import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { listConnections, seedSubscriptions } from '../../../tools/bench/subscribers.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep, type TestSocket } from '../../helpers/socket.ts';

/**
 * HEAVY: 5,000 real `ws` sockets against the local runtime in this process (about 15-30 s on
 * two cores). The first subscribers `join` for real; the rest are subscribed by seeding the
 * same subscription items `join` writes, since 5,000 joins would measure join, not fan-out.
 * Every subscriber is a live socket, so "received exactly once" is observed, not inferred.
 */
const subscribers = 5000;
const realJoins = 50;
// Handshakes in flight. More lets the runtime's event loop fall far enough behind on a busy
// two-core machine that the handlers' own 1 s DynamoDB connects time out (a 502 on $connect).
const openBatch = 100;

let rt: TestRuntime;
const sockets: WebSocket[] = [];
const received = new Map<WebSocket, string[]>();

beforeAll(async () => {
  // Presence events for every join would be a fan-out of their own; keep them out of the count.
  rt = await startTestRuntime({ functionEnv: { ROOM_EVENTS_MAX_MEMBERS: '1' } });
}, 30_000);
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await rt?.stop();
});

async function openSockets(count: number, firstUser: number): Promise<WebSocket[]> {
  const opened: WebSocket[] = [];
  for (let i = 0; i < count; i += openBatch) {
    const batch = Array.from({ length: Math.min(openBatch, count - i) }, async (_, j) => {
      const token = await rt.token(`fan-${firstUser + i + j}`);
      const ws = new WebSocket(`${rt.endpoints.websocket}?token=${token}`, { perMessageDeflate: false });
      const frames: string[] = [];
      received.set(ws, frames);
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === 'message') frames.push(frame.id);
      });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      return ws;
    });
    opened.push(...(await Promise.all(batch)));
  }
  sockets.push(...opened);
  return opened;
}

describe('Fan-out to a large room', () => {
  it('delivers one publish to 5,000 subscriber connections exactly once each, through the shard path', async () => {
    const room = 'stadium';
    const publisher = await rt.connect('fan-owner');
    await publisher.request({ action: 'join', room });
    const joiners = await openSockets(realJoins, 0);
    await Promise.all(
      joiners.map(async (ws, i) => {
        const reply = await new Promise<Record<string, unknown>>((resolve) => {
          ws.once('message', (data) => resolve(JSON.parse(String(data))));
          ws.send(JSON.stringify({ action: 'join', room, ref: `j${i}` }));
        });
        expect(reply).toMatchObject({ type: 'reply', result: { room } });
      }),
    );
    // Joined connections keep their subscription; every other socket gets one seeded.
    const rest = await openSockets(subscribers - realJoins - 1, realJoins);
    const bystander = await rt.connect('fan-bystander');
    const joined = new Set(
      (await listConnections(rt.db, rt.endpoints.tableName))
        .filter((c) => c.userId === 'fan-owner' || Number(c.userId.slice(4)) < realJoins)
        .map((c) => c.connectionId),
    );
    const toSeed = (await listConnections(rt.db, rt.endpoints.tableName)).filter(
      (c) => !joined.has(c.connectionId) && c.userId !== 'fan-bystander',
    );
    expect(toSeed).toHaveLength(rest.length);
    await seedSubscriptions(rt.db, rt.endpoints.tableName, room, toSeed);

    const before = { sqs: rt.sqsStats(), gateway: rt.gateway.stats() };
    const started = performance.now();
    const reply = await publisher.request({ action: 'publish', room, data: { goal: true } }, 10_000);
    expect(reply).toMatchObject({ type: 'reply', result: { seq: 1 } });
    const messageId = (reply.result as { messageId: string }).messageId;
    await publisher.waitFor((f) => f.type === 'message' && f.id === messageId, 30_000);
    const all = [...joiners, ...rest];
    const deadline = Date.now() + 30_000;
    while (all.some((ws) => (received.get(ws) ?? []).length === 0) && Date.now() < deadline) await sleep(20);
    const elapsedMs = performance.now() - started;
    await sleep(500); // anything posted twice would arrive by now

    for (const ws of all) expect(received.get(ws)).toEqual([messageId]);
    expect(publisher.ofType('message')).toHaveLength(1);
    expect(bystander.ofType('message')).toHaveLength(0);
    const after = { sqs: rt.sqsStats(), gateway: rt.gateway.stats() };
    const posts = (after.gateway.posts ?? 0) - (before.gateway.posts ?? 0);
    expect(posts).toBe(subscribers);
    expect((after.gateway.posts200 ?? 0) - (before.gateway.posts200 ?? 0)).toBe(subscribers);
    // Shard path: 5,000 recipients over the inline maximum (100) went to the deliveries queue as
    // shards of 100, ten records to a SendMessageBatch.
    expect((after.sqs.SendMessageBatch ?? 0) - (before.sqs.SendMessageBatch ?? 0)).toBeGreaterThanOrEqual(5);
    process.stdout.write(`room-5000: publish to last delivery ${Math.round(elapsedMs)} ms\n`);
    await Promise.all([publisher, bystander].map((s: TestSocket) => s.close()));
    // About a minute alone, nearly all of it opening the sockets; twice that and more when the
    // full suite shares the two cores with other work.
  }, 240_000);
});
