import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { Frame, TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

// Eight-second windows (40 frames of an action at 5 per second) with a budget of 40 frames in
// all (5 per second): 100 frames sent at once span at most two windows, so 40 to 80 get through,
// while no action alone (about 17 frames each) comes near its own limit.
const budget = 40;
const windowMs = 8000;

const frames: Record<string, unknown>[] = [
  { action: 'send', to: 'nobody', data: { n: 1 } },
  { action: 'status', status: 'busy' },
  { action: 'sync' },
  { action: 'ack', ids: ['m1'] },
  { action: 'who', room: 'lobby' },
  { action: 'history', room: 'lobby' },
];

beforeAll(async () => {
  rt = await startTestRuntime({
    functionEnv: { RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '40', FRAME_BUDGET_PER_SECOND: '5' },
  });
  // Loads every function once, so that the floods below are not slowed by first loads.
  const warm = await rt.connect('warm-up');
  await Promise.all(
    [
      ...frames.slice(1),
      { action: 'send', to: 'someone', data: 1 },
      { action: 'explode' },
      { action: 'ping' },
    ].map((f) => warm.request(f, 20_000)),
  );
  await warm.close();
});
afterAll(() => rt?.stop());

/** Sends `count` frames at once and waits for an answer to each: `ref`s b0, b1, ... */
async function flood(socket: TestSocket, frameAt: (i: number) => unknown, count = 100): Promise<Frame[]> {
  const from = socket.frames.length;
  for (let i = 0; i < count; i += 1) socket.send(frameAt(i));
  const deadline = Date.now() + 15_000;
  while (socket.frames.length - from < count && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  return socket.frames.slice(from);
}

/** The `send` frames are every sixth, from b0. */
const isSend = (answer: Frame) => Number(String(answer.ref).slice(1)) % 6 === 0;

const limited = (answers: Frame[]) => answers.filter((a) => a.code === 'RATE_LIMITED');

/** The frames counted in the user's windows (their `frames` attributes), and how many windows. */
async function counted(userId: string) {
  const windows = await itemsWithPrefix(rt.db, rt.endpoints.tableName, `RATE#${userId}#`);
  return { windows: windows.length, frames: windows.reduce((sum, w) => sum + Number(w.frames ?? 0), 0) };
}

describe('Frame budget', () => {
  it('answers RATE_LIMITED past the budget to 100 valid frames over six actions, and they do nothing', async () => {
    const alice = await rt.connect('alice');
    const answers = await flood(alice, (i) => ({ ...frames[i % frames.length], ref: `b${i}` }));
    expect(answers).toHaveLength(100);
    const refused = limited(answers);
    const served = answers.length - refused.length;
    console.log(`100 valid frames: ${served} answered, ${refused.length} RATE_LIMITED`);
    expect(served).toBeGreaterThanOrEqual(budget);
    expect(served).toBeLessThanOrEqual(2 * budget);
    for (const answer of refused) {
      expect(answer.retryAfterMs).toBeGreaterThan(0);
      expect(answer.retryAfterMs).toBeLessThanOrEqual(windowMs);
    }
    // A refused send stored nothing: at most one inbox entry per send not refused (a send whose
    // handler outlived the gateway's timeout on a busy machine is answered without its ref).
    const sendsRefused = refused.filter(isSend).length;
    const sendsReplied = answers.filter((a) => a.type === 'reply' && isSend(a)).length;
    const inbox = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'INBOX#nobody');
    const stored = inbox.filter((item) => String(item.sk).startsWith('MSG#')).length;
    expect(stored).toBeGreaterThanOrEqual(sendsReplied);
    expect(stored).toBeLessThanOrEqual(17 - sendsRefused);
    // The only write of a refused frame is none at all: the counter holds the answered ones.
    expect((await counted('alice')).frames).toBe(served);
    await alice.close();
  });

  it('counts 100 invalid frames (bad JSON, unknown actions, schema failures) and then refuses them', async () => {
    const bad = [
      'not json{',
      { action: 'explode' },
      { action: 'send', to: 'bob' },
      { action: 'status', status: 'x' },
    ];
    const erin = await rt.connect('erin');
    const answers = await flood(erin, (i) => bad[i % bad.length]);
    expect(answers).toHaveLength(100);
    const refused = limited(answers);
    const served = answers.filter((a) => a.code === 'BAD_REQUEST' || a.code === 'UNKNOWN_ACTION');
    console.log(
      `100 invalid frames: ${served.length} answered with their error, ${refused.length} RATE_LIMITED`,
    );
    expect(served.length + refused.length).toBe(100);
    expect(served.length).toBeGreaterThanOrEqual(budget);
    expect(served.length).toBeLessThanOrEqual(2 * budget);
    // They wrote their count and nothing else.
    expect(await counted('erin')).toMatchObject({ frames: served.length });
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'INBOX#bob')).toHaveLength(0);
    await erin.close();
  });

  it('keeps one budget per user: another user is answered while the first is refused', async () => {
    const frank = await rt.connect('frank');
    const grace = await rt.connect('grace');
    const answers = await flood(
      frank,
      (i) => ({ ...frames[i % frames.length], ref: `f${i}` }),
      2 * budget + 1,
    );
    expect(limited(answers).length).toBeGreaterThan(0);
    expect(await grace.request({ action: 'status', status: 'online' })).toMatchObject({ type: 'reply' });
    await Promise.all([frank.close(), grace.close()]);
  });

  it('counts pings in memory only: past the budget they are refused, and no counter is written', async () => {
    const heidi = await rt.connect('heidi');
    const answers = await flood(heidi, (i) => ({ action: 'ping', ref: `p${i}` }), 2 * budget + 1);
    expect(limited(answers).length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.type === 'reply').length).toBeGreaterThanOrEqual(budget);
    expect(await counted('heidi')).toEqual({ windows: 0, frames: 0 });
    await heidi.close();
  });
});
