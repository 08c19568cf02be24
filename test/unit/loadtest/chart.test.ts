import { describe, expect, it } from 'vitest';
import { latencyLines, ratesPerSecond, renderChart } from '../../../tools/loadtest/chart.ts';
import type { SeriesPoint } from '../../../tools/loadtest/coordinator.ts';
import type { LoadTestReport } from '../../../tools/loadtest/report.ts';

/** A run of `seconds` whole-second ticks at `sentPerS` and `receivedPerS`, then the final tick. */
function series(
  seconds: number,
  sentPerS: number,
  receivedPerS: number,
  lastTickAfterS: number,
): SeriesPoint[] {
  const point = (t: number, k: number): SeriesPoint => ({
    t,
    phase: 'sending',
    open: 10,
    sent: k * sentPerS,
    received: k * receivedPerS,
    errors: 0,
    p50: 4,
    p99: 9,
    max: 9,
    p99SoFar: 9,
    lagP99Ms: 1,
  });
  const points = Array.from({ length: seconds + 1 }, (_, i) => point(i, i));
  // The run's end: one more second of the workers' counts, reported right after the last tick.
  points.push(point(seconds + lastTickAfterS, seconds + 1));
  return points;
}

/** The top label of the y axis of the chart titled `title`. */
function yAxisTop(html: string, title: string): number {
  const svg = html.split(`<h2>${title}</h2>`)[1]?.split('</svg>')[0] ?? '';
  const labels = [...svg.matchAll(/text-anchor="end">([\d.e+]+)<\/text>/g)].map((m) => Number(m[1]));
  return Math.max(...labels);
}

const baseReport = (s: SeriesPoint[]): LoadTestReport =>
  ({
    scenario: 'room',
    url: 'ws://127.0.0.1:1',
    startedAt: '2026-12-03T00:00:00.000Z',
    connections: { opened: 10 },
    throughput: { sent: 100 },
    deliveries: { lost: 0, duplicated: 0 },
    latencyMs: { count: 1, p50: 4, p90: 9, p99: 9, p999: 9, max: 9 },
    ok: false,
    failures: ['latency p99 9 ms over the 5 ms target'],
    latencyTarget: { p99Ms: 5, measuredP99Ms: 9, met: false },
    warnings: [],
    series: s,
  }) as unknown as LoadTestReport;

describe('Function: ratesPerSecond', () => {
  it('shows no spike for a last tick that comes a tenth of a second after the one before', () => {
    const rates = ratesPerSecond(series(10, 2, 66, 0.1), (p) => p.received);
    const values = rates.values.filter((v): v is number => v !== null);
    expect(Math.max(...values)).toBe(66);
    expect(rates.times.at(-1)).toBe(10);
  });

  it('keeps every whole-second point', () => {
    const rates = ratesPerSecond(series(10, 2, 66, 1), (p) => p.received);
    expect(rates.values).toEqual([null, ...Array.from({ length: 11 }, () => 66)]);
  });
});

describe('Function: renderChart', () => {
  it('draws p99 after max, so where they are equal p99 is on top', () => {
    const html = renderChart(baseReport(series(5, 2, 20, 1)));
    const order = [...html.matchAll(/data-line="(p50|p99|max)"/g)].map((m) => m[1]);
    expect(order).toEqual(['max', 'p50', 'p99']);
    expect(latencyLines([]).find((l) => l.label === 'max')?.dash).toBeTruthy();
  });

  it('gives sent its own axis, scaled to what was sent', () => {
    const html = renderChart(baseReport(series(10, 2, 200, 1)));
    expect(yAxisTop(html, 'Messages sent per second')).toBe(2);
    expect(yAxisTop(html, 'Deliveries received per second')).toBe(200);
  });

  it('states the verdict with the latency target', () => {
    const html = renderChart(baseReport(series(3, 1, 1, 1)));
    expect(html).toContain(
      'latency p99 9 ms against a target of 5 ms; NOT OK: latency p99 9 ms over the 5 ms target',
    );
  });
});
