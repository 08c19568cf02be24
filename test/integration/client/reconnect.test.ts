import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState, GapEvent, WaveletClient } from '../../../client/index.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';
import { clientEnv, clientFor, connectionIdsOf, dropConnections, eventually } from './client-fixtures.ts';

const idleTimeoutMs = 2000;
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: clientEnv, limits: { idleTimeoutMs } });
});
afterAll(() => rt?.stop());

/** What one client received, by kind, as `data.i` values in arrival order. */
function recorder(client: WaveletClient) {
  const direct: number[] = [];
  const room: { i: number; seq: number }[] = [];
  const states: ConnectionState[] = [];
  const gaps: GapEvent[] = [];
  client.on('message', (m) => {
    const i = (m.data as { i: number }).i;
    if (m.room) room.push({ i, seq: m.seq ?? -1 });
    else direct.push(i);
  });
  client.on('state', (s) => states.push(s));
  client.on('gap', (g) => gaps.push(g));
  return { direct, room, states, gaps, opens: () => states.filter((s) => s === 'open').length };
}

const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.ceil((to - from) / step) }, (_, k) => from + k * step);

describe('Class: WaveletClient, across dropped connections', () => {
  it('delivers 200 direct and room messages exactly once across server-side drops, re-joining the room', async () => {
    const alice = clientFor(rt, 'drop-alice', { heartbeatMs: 500 });
    const bob = clientFor(rt, 'drop-bob', { heartbeatMs: 500 });
    const got = recorder(alice.client);
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    await alice.client.join('drops');
    await bob.client.join('drops');

    // Eight frames in flight at a time, as a chatty client would have; drops land among them.
    const answers: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      answers.push(i % 2 === 0 ? bob.client.send('drop-alice', { i }) : bob.client.publish('drops', { i }));
      if (i >= 8) await answers[i - 8];
      if (i === 50 || i === 150) {
        // Both ends: the sender's unanswered frames are resent, the receiver syncs and re-joins.
        await eventually(() => alice.client.state === 'open' && bob.client.state === 'open');
        await dropConnections(rt);
      }
      if (i === 100) {
        await eventually(() => alice.client.state === 'open');
        await dropConnections(rt, await connectionIdsOf(rt, 'drop-alice'));
      }
    }
    expect(await Promise.all(answers)).toHaveLength(200);

    await eventually(() => got.direct.length >= 100 && got.room.length >= 100, 15_000, '200 messages');
    await sleep(300); // duplicates would arrive about now
    expect([...got.direct].sort((a, b) => a - b)).toEqual(range(0, 200, 2));
    expect([...got.room].map((r) => r.i).sort((a, b) => a - b)).toEqual(range(1, 200, 2));
    // The room arrives in seq order with no seq skipped.
    const seqs = got.room.map((r) => r.seq);
    expect(seqs).toEqual(range(seqs[0]!, seqs[0]! + 100));
    // One connection to start with and one after each of the three drops, each with a fresh ticket.
    expect(got.opens()).toBe(4);
    expect(got.states).toContain('reconnecting');
    expect(alice.ticketCalls()).toBeGreaterThanOrEqual(got.opens());
    await Promise.all([alice.client.close(), bob.client.close()]);
    // Seconds on a quiet machine; the limit leaves room for a shared, busy one.
  }, 180_000);

  it('keeps the connection open past the idle timeout with heartbeats shorter than it', async () => {
    const alice = clientFor(rt, 'idle-kept', { heartbeatMs: 300 });
    const got = recorder(alice.client);
    await alice.client.connect();
    const [connectionId] = await connectionIdsOf(rt, 'idle-kept');
    await sleep(idleTimeoutMs * 2.5);
    expect(got.states).toEqual(['connecting', 'open']);
    expect(rt.gateway.connectionIds()).toContain(connectionId);
    expect(alice.ticketCalls()).toBe(1);
    await alice.client.close();
  });

  it('reconnects after the idle timeout closes a silent connection, and recovers what was missed', async () => {
    const alice = clientFor(rt, 'idle-alice', { heartbeatMs: 0 });
    const bob = clientFor(rt, 'idle-bob', { heartbeatMs: 300 });
    const got = recorder(alice.client);
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    await alice.client.join('idle');
    await bob.client.join('idle');
    await bob.client.publish('idle', { i: 0 });
    await eventually(() => got.room.length === 1);

    await eventually(() => got.states.includes('reconnecting'), idleTimeoutMs * 4, 'the idle timeout');
    // Sent while alice is away or just back: the inbox and the re-join bring them.
    await Promise.all(
      range(1, 6).flatMap((i) => [bob.client.send('idle-alice', { i }), bob.client.publish('idle', { i })]),
    );
    // A busy machine may take a while to reconnect; what counts is that nothing is lost.
    await eventually(
      () => got.direct.length === 5 && got.room.length === 6,
      60_000,
      () => `the missed messages: direct ${JSON.stringify(got.direct)}, room ${JSON.stringify(got.room)}`,
    );
    expect([...got.direct].sort((a, b) => a - b)).toEqual(range(1, 6));
    // The room in seq order; the publishes raced each other, so their order is the server's.
    expect(got.room.map((r) => r.seq)).toEqual(range(got.room[0]!.seq, got.room[0]!.seq + 6));
    expect([...got.room.map((r) => r.i)].sort((a, b) => a - b)).toEqual(range(0, 6));
    expect(got.opens()).toBeGreaterThanOrEqual(2);
    expect(alice.ticketCalls()).toBeGreaterThanOrEqual(2);
    await Promise.all([alice.client.close(), bob.client.close()]);
  }, 120_000);
});
