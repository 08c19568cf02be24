import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../local/metrics/index.ts';
import { chartSpecs } from '../../../web/dashboard/chart-specs.ts';
import { parsePrometheusText, type Scrape } from '../../../web/dashboard/prometheus-text.ts';
import { bucketsOf, quantileOf, ratesBetween } from '../../../web/dashboard/series-math.ts';
import { niceTicks } from '../../../web/dashboard/timeline.ts';
import { emfLine } from '../../helpers/emf.ts';

const emf = emfLine;
const frame = (action: string, outcome: string, ms: number[]) =>
  emf(
    [
      { Name: 'Frames', Unit: 'Count' },
      { Name: 'FrameLatency', Unit: 'Milliseconds' },
    ],
    { action, outcome, Frames: ms.length, FrameLatency: ms },
    ['stage', 'action', 'outcome'],
  );
const scrapeOf = (registry: MetricsRegistry, at: number): Scrape => ({
  at,
  samples: parsePrometheusText(registry.exposition()),
});
const spec = (id: string) => {
  const found = chartSpecs.find((s) => s.id === id);
  if (!found) throw new Error(`no chart ${id}`);
  return found;
};

describe('Dashboard: reading /metrics', () => {
  it('reads the registry back, escaped label values included', () => {
    const registry = new MetricsRegistry();
    registry.ingest(frame('send', 'a "quoted"\\code', [4]));
    const samples = parsePrometheusText(registry.exposition());
    expect(samples).toContainEqual({
      name: 'wavelet_frames_total',
      labels: { stage: 'local', action: 'send', outcome: 'a "quoted"\\code' },
      value: 1,
    });
    expect(
      samples.find((s) => s.name === 'wavelet_frame_latency_ms_bucket' && s.labels.le === '+Inf')?.value,
    ).toBe(1);
  });

  it('computes percentiles from the buckets within a bucket of the true value', () => {
    const registry = new MetricsRegistry();
    // 1..100 ms, one each: p50 is 50, p95 95, p99 99.
    registry.ingest(
      frame(
        'send',
        'ok',
        Array.from({ length: 100 }, (_, i) => i + 1),
      ),
    );
    const buckets = bucketsOf(scrapeOf(registry, 0), 'wavelet_frame_latency_ms');
    expect(quantileOf(0.5, buckets)).toBe(50);
    expect(quantileOf(0.95, buckets)).toBeGreaterThanOrEqual(75);
    expect(quantileOf(0.95, buckets)).toBeLessThanOrEqual(100);
    expect(quantileOf(0.99, buckets)).toBeLessThanOrEqual(100);
    expect(quantileOf(0.5, new Map())).toBeNull();
    expect(quantileOf(0.5, new Map([[Number.POSITIVE_INFINITY, 0]]))).toBeNull();
  });

  it('takes a counter lower than before as a restart, never a negative rate', () => {
    const rates = ratesBetween(new Map([['send', 10]]), new Map([['send', 4]]), 2);
    expect(rates.get('send')).toBe(2);
  });

  it('rounds axis ticks to 1, 2 or 5 steps from zero past the maximum', () => {
    expect(niceTicks(0)).toEqual([0, 0.5, 1]);
    expect(niceTicks(7.3)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(830)).toEqual([0, 500, 1000]);
  });
});

describe('Dashboard: charts', () => {
  it('shows frames per second by action and errors by code from two scrapes', () => {
    const registry = new MetricsRegistry();
    registry.ingest(frame('send', 'ok', [3]));
    const first = scrapeOf(registry, 0);
    for (let i = 0; i < 4; i++) registry.ingest(frame('send', 'ok', [3]));
    registry.ingest(frame('publish', 'BAD_REQUEST', [1, 1]));
    const second = scrapeOf(registry, 2000);

    expect(spec('frames').point([first, second])).toEqual({ send: 2, publish: 1 });
    expect(spec('errors').point([first, second])).toEqual({ 'not ok': 1, BAD_REQUEST: 1 });
    expect(spec('frame-latency').point([first, second])?.p50).toBeGreaterThan(0);
  });

  it('stays empty while the metrics a chart reads are absent', () => {
    const registry = new MetricsRegistry();
    const scrapes = [scrapeOf(registry, 0), scrapeOf(registry, 1000)];
    for (const s of chartSpecs) expect(s.point(scrapes)).toBeUndefined();
  });

  it('counts connections open as opened minus closed, and deliveries by outcome', () => {
    const registry = new MetricsRegistry();
    const counter = (name: string, value: number, root: Record<string, unknown> = {}, dims = ['stage']) =>
      registry.ingest(emf([{ Name: name, Unit: 'Count' }], { [name]: value, ...root }, dims));
    counter('ConnectionsOpened', 5);
    counter('ConnectionsClosed', 2);
    const first = scrapeOf(registry, 0);
    counter('Deliveries', 3, { outcome: 'ok' }, ['stage', 'outcome']);
    counter('Deliveries', 1, { outcome: 'gone' }, ['stage', 'outcome']);
    const second = scrapeOf(registry, 1000);

    expect(spec('connections').point([first, second])).toEqual({ open: 3 });
    expect(spec('deliveries').point([first, second])).toEqual({ ok: 3, gone: 1 });
  });
});
