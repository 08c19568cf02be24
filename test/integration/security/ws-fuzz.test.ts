import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Census,
  censusChanges,
  cpuSeconds,
  excludedByEnv,
  formatCensus,
  fuzzSeed,
  rssMb,
  takeCensus,
} from '../../helpers/fuzz/census.ts';
import { fuzzEnv } from '../../helpers/fuzz/env.ts';
import { FuzzConnection, WsFuzzStats } from '../../helpers/fuzz/ws-driver.ts';
import {
  type FuzzFrame,
  fuzzUsers,
  hostileFrame,
  refPadding,
  wildFrame,
} from '../../helpers/fuzz/ws-frames.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

/**
 * Property-based fuzz of the WebSocket API (issue 11, item 9). Two phases over 16 connections:
 * frames that break a rule (each must get an error and write nothing: the table's census is the
 * same after the phase), then valid frames with fields at their limits and of odd content (each
 * gets a reply or an error). In both: no INTERNAL, no close, every frame answered once.
 */
const seed = fuzzSeed(20261202);
const hostileFrames = Number(process.env.FUZZ_H ?? 8000);
const wildFrames = Number(process.env.FUZZ_W ?? 2000);
const window = 3;

let rt: TestRuntime;
const failures: string[] = [];
let stats = new WsFuzzStats();
const connections: FuzzConnection[] = [];
const hostileUsers = Array.from({ length: 8 }, (_, i) => `fz-h${i}`);

beforeAll(async () => {
  rt = await startTestRuntime({
    functionEnv: fuzzEnv,
    log: (line) => {
      if (/failed|timed|error/i.test(line)) failures.push(line.slice(0, 400));
    },
  });
  for (const user of [...hostileUsers, ...fuzzUsers]) {
    connections.push(
      await FuzzConnection.open(`${rt.endpoints.websocket}?token=${await rt.token(user)}`, user, () => stats),
    );
  }
});
afterAll(async () => {
  for (const c of connections) c.close();
  await rt?.stop();
});

/** Deals the frames round-robin to the connections and runs them all at once. */
async function runPhase(frames: readonly (readonly [FuzzFrame, string])[], on: FuzzConnection[]) {
  const shares = on.map((_, i) => frames.filter((_, j) => j % on.length === i));
  await Promise.all(on.map((c, i) => c.run(shares[i]!, window, 20_000)));
  await Promise.all(on.map((c) => c.settle(10_000)));
}

function report(title: string, census: { before: Census; after: Census }, started: number, cpuStart: number) {
  const cpu = cpuSeconds(rt.dynamodbPid) - cpuStart;
  const lines = [
    `${title} (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s, ${cpu.toFixed(1)} CPU s)`,
    `  frames sent ${stats.sent}, replies ${stats.replies}, errors ${stats.errors.total()}, pushed frames ${stats.pushes}, auto acks ${stats.autoAcks}`,
    `  errors by code: ${stats.errors}`,
    `  INTERNAL ${stats.internal}, unexpected closes ${stats.unexpectedCloses}, non-protocol frames ${stats.foreign}`,
    ...failures
      .splice(0)
      .slice(0, 8)
      .map((s) => `    runtime: ${s}`),
    ...stats.foreignSamples.map((s) => `    non-protocol frame: ${s}`),
    `  items before (by pk prefix, RATE# excluded): ${formatCensus(census.before)}`,
    `  items after:                                  ${formatCensus(census.after)}`,
    `  violations ${stats.violations.length}${stats.violations.length ? ':' : ''}`,
    ...stats.summary().map((s) => `    ${s}`),
  ];
  console.log(lines.join('\n'));
}

describe('WebSocket API under fuzzed frames', () => {
  let rssBefore = 0;
  let total = 0;

  it('refuses every frame that breaks a rule, writes nothing for it, and keeps every connection open', async () => {
    rssBefore = rssMb();
    const started = Date.now();
    const cpuStart = cpuSeconds(rt.dynamodbPid);
    const frames = fc
      .sample(fc.tuple(hostileFrame, refPadding), { seed, numRuns: hostileFrames })
      .filter(([f]) => !excludedByEnv(f.label));
    const before = await takeCensus(rt.db, rt.endpoints.tableName);
    stats = new WsFuzzStats();
    await runPhase(frames, connections.slice(0, hostileUsers.length));
    // Anything a refused frame wrongly queued or delivered has had time to land.
    await new Promise((r) => setTimeout(r, 500));
    const after = await takeCensus(rt.db, rt.endpoints.tableName);
    report('WS fuzz, frames that break a rule', { before, after }, started, cpuStart);
    total += stats.sent;

    expect(stats.sent).toBe(frames.length);
    expect(stats.internal).toBe(0);
    expect(stats.unexpectedCloses).toBe(0);
    expect(stats.foreign).toBe(0);
    expect(stats.pushes).toBe(0);
    expect(stats.summary()).toEqual([]);
    expect(censusChanges(before, after)).toEqual({});
    expect(connections.every((c) => c.open)).toBe(true);
  }, 120_000);

  it('answers every valid frame, at its limits or of odd content, with a reply or an error but never INTERNAL', async () => {
    const started = Date.now();
    const cpuStart = cpuSeconds(rt.dynamodbPid);
    const frames = fc
      .sample(fc.tuple(wildFrame, refPadding), { seed: seed + 1, numRuns: wildFrames })
      .filter(([f]) => !excludedByEnv(f.label));
    const before = await takeCensus(rt.db, rt.endpoints.tableName);
    stats = new WsFuzzStats();
    await runPhase(frames, connections.slice(hostileUsers.length));
    const after = await takeCensus(rt.db, rt.endpoints.tableName);
    report('WS fuzz, valid and odd frames', { before, after }, started, cpuStart);
    total += stats.sent;
    const rssAfter = rssMb();
    console.log(
      `WS fuzz totals: ${total} frames over ${connections.length} connections; ` +
        `RSS of the runtime's process ${rssBefore.toFixed(0)} MB -> ${rssAfter.toFixed(0)} MB ` +
        `(+${(rssAfter - rssBefore).toFixed(0)} MB; bound 200 MB), local DynamoDB child ${rssMb(rt.dynamodbPid).toFixed(0)} MB`,
    );

    expect(stats.sent).toBe(frames.length);
    expect(stats.replies).toBeGreaterThan(wildFrames / 3);
    expect(stats.internal).toBe(0);
    expect(stats.unexpectedCloses).toBe(0);
    expect(stats.foreign).toBe(0);
    expect(stats.summary()).toEqual([]);
    expect(connections.every((c) => c.open)).toBe(true);
    expect(total).toBeGreaterThanOrEqual(10_000);
    expect(rssAfter - rssBefore).toBeLessThan(200);
  }, 240_000);
});
