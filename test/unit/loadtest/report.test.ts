import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../../tools/loadtest/options.ts';
import { buildReport } from '../../../tools/loadtest/report.ts';
import { formatSummary } from '../../../tools/loadtest/summary-table.ts';
import type { MergedResult } from '../../../tools/loadtest/worker-result.ts';
import { Histogram } from '../../../tools/shared/histogram.ts';

/** A clean run whose end-to-end latencies (ms) are the given ones. */
function mergedRun(latenciesMs: readonly number[], lost = 0): MergedResult {
  const latency = new Histogram();
  for (const ms of latenciesMs) latency.record(ms * 1000);
  const empty = new Histogram().snapshot();
  const n = latenciesMs.length;
  return {
    connections: { planned: 2, opened: 2, failed: 0, openAtEnd: 2, closedEarly: 0 },
    handshakeUs: empty,
    readyUs: empty,
    latencyUs: latency.snapshot(),
    heartbeatUs: empty,
    sent: n,
    rejected: 0,
    received: n - lost,
    sendWindowMs: 1000,
    deliveries: { messages: n, expected: n, delivered: n - lost, lost, duplicated: 0, unexpected: 0 },
    errors: {},
    closeCodes: {},
    handshakeFailures: {},
    heartbeats: { sent: 0, answered: 0 },
    generators: [],
  } as MergedResult;
}

function report(argv: string[], merged: MergedResult) {
  return buildReport({
    options: parseOptions(argv),
    url: 'ws://127.0.0.1:1',
    merged,
    series: [],
    startedAt: new Date(),
    loadAverageStart: [0, 0, 0],
    warnings: [],
  });
}

// 99 fast receipts and one slow one put p99 at about 20 ms.
const latencies = [...Array.from({ length: 98 }, () => 5), 20, 20];

describe('Function: buildReport', () => {
  it('is OK without a latency target when nothing was lost', () => {
    const r = report([], mergedRun(latencies));
    expect(r.ok).toBe(true);
    expect(r.latencyTarget).toBeUndefined();
    expect(r.failures).toEqual([]);
  });

  it('is OK when the latency p99 holds the target', () => {
    const r = report(['--p99-target', '50ms'], mergedRun(latencies));
    expect(r.latencyTarget).toMatchObject({ p99Ms: 50, met: true });
    expect(r.ok).toBe(true);
    expect(formatSummary(r)).toMatch(/result {7}OK: .*latency p99 20(\.\d+)? ms within 50 ms/);
  });

  it('is not OK when the latency p99 is over the target, and says so', () => {
    const r = report(['--p99-target', '10ms'], mergedRun(latencies));
    expect(r.latencyTarget).toMatchObject({ p99Ms: 10, met: false });
    expect(r.ok).toBe(false);
    expect(r.failures).toEqual([expect.stringMatching(/^latency p99 20(\.\d+)? ms over the 10 ms target$/)]);
    expect(formatSummary(r)).toMatch(/result {7}NOT OK: latency p99 20(\.\d+)? ms over the 10 ms target/);
  });

  it('holds no target when nothing was measured', () => {
    const r = report(['--p99-target', '10ms'], mergedRun([]));
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toMatch(/no latency measured/);
  });

  it('lists every reason a run is not OK', () => {
    const r = report(['--p99-target', '10ms'], mergedRun(latencies, 3));
    expect(r.failures).toEqual([
      '3 deliveries lost',
      expect.stringMatching(/^latency p99 .* over the 10 ms target$/),
    ]);
  });
});

describe('Function: parseOptions', () => {
  it('reads --p99-target as a duration', () => {
    expect(parseOptions(['--p99-target', '0.1s']).p99TargetMs).toBe(100);
    expect(parseOptions([]).p99TargetMs).toBeUndefined();
  });

  it('refuses a target of zero', () => {
    expect(() => parseOptions(['--p99-target', '0ms'])).toThrow(/positive duration/);
  });
});
