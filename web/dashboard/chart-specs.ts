import type { Scrape } from './prometheus-text.ts';
import {
  bucketIncrease,
  bucketsOf,
  has,
  type Point,
  quantileOf,
  ratesBetween,
  sumBy,
} from './series-math.ts';

/** How a chart's values read: a count, a rate per second or milliseconds. */
export type ChartUnit = 'count' | 'rate' | 'ms';

/** One chart of the dashboard: what it shows and how it computes its latest point from the scrapes. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** The metrics it reads, shown under the title. */
  readonly source: string;
  readonly unit: ChartUnit;
  /** Shown until its metrics first appear. */
  readonly empty: string;
  /** Series with a fixed color (latency percentiles, totals); others take the palette in order. */
  readonly colors?: Readonly<Record<string, string>>;
  /** The values of the latest scrape, or `undefined` while the metrics it reads are absent. */
  point(history: readonly Scrape[]): Point | undefined;
}

/** Rates are the increase over the last 5 seconds (as `rate(…[5s])`), so one slow poll does not spike them. */
const rateWindowMs = 5000;
/** Percentiles are of the observations of the last 10 seconds. */
const latencyWindowMs = 10_000;

/** The latest scrape and the oldest one within `ms` of it, or `undefined` with fewer than two. */
function windowOf(history: readonly Scrape[], ms: number): [Scrape, Scrape] | undefined {
  const latest = history.at(-1);
  if (!latest || history.length < 2) return undefined;
  const earlier = history.find((s) => latest.at - s.at <= ms && s !== latest) ?? history.at(-2);
  return earlier ? [earlier, latest] : undefined;
}

function rates(history: readonly Scrape[], name: string, by?: string, keep?: Parameters<typeof sumBy>[3]) {
  const window = windowOf(history, rateWindowMs);
  if (!window) return new Map<string, number>();
  const [earlier, latest] = window;
  return ratesBetween(
    sumBy(earlier, name, by, keep),
    sumBy(latest, name, by, keep),
    (latest.at - earlier.at) / 1000,
  );
}

function percentiles(history: readonly Scrape[], histogram: string): Point | undefined {
  const latest = history.at(-1);
  if (!latest || !has(latest, `${histogram}_bucket`)) return undefined;
  const window = windowOf(history, latencyWindowMs);
  const recent = window
    ? bucketIncrease(bucketsOf(window[0], histogram), bucketsOf(window[1], histogram))
    : bucketsOf(latest, histogram);
  return { p50: quantileOf(0.5, recent), p95: quantileOf(0.95, recent), p99: quantileOf(0.99, recent) };
}

const percentileColors = { p50: '#2f9e62', p95: '#e08a1e', p99: '#d64545' };

export const chartSpecs: readonly ChartSpec[] = [
  {
    id: 'connections',
    title: 'Connections open',
    source: 'connections opened − closed',
    unit: 'count',
    empty: 'No connection counted yet (ConnectionsOpened, ConnectionsClosed).',
    colors: { open: '#2f6fde' },
    point: (history) => {
      const latest = history.at(-1);
      if (!latest) return undefined;
      const opened = 'wavelet_connections_opened_total';
      const closed = 'wavelet_connections_closed_total';
      if (!has(latest, opened) && !has(latest, closed)) return undefined;
      const total = (name: string) => sumBy(latest, name).get('') ?? 0;
      return { open: Math.max(0, total(opened) - total(closed)) };
    },
  },
  {
    id: 'frames',
    title: 'Frames per second',
    source: 'by action · wavelet_frames_total',
    unit: 'rate',
    empty: 'No frame yet: connect a client and send one.',
    point: (history) => {
      const latest = history.at(-1);
      if (!latest || !has(latest, 'wavelet_frames_total')) return undefined;
      return Object.fromEntries(rates(history, 'wavelet_frames_total', 'action'));
    },
  },
  {
    id: 'errors',
    title: 'Errors per second',
    source: 'frames not ok, by code · internal errors · HTTP 5xx',
    unit: 'rate',
    empty: 'Nothing counted yet: errors show here once frames or requests arrive.',
    colors: { 'not ok': '#8a94a0', internal: '#d64545', 'HTTP 5xx': '#9c4dcc' },
    point: (history) => {
      const latest = history.at(-1);
      const sources = [
        'wavelet_frames_total',
        'wavelet_internal_errors_total',
        'wavelet_http_requests_total',
      ];
      if (!latest || !sources.some((name) => has(latest, name))) return undefined;
      const byCode = rates(history, 'wavelet_frames_total', 'outcome', (s) => s.labels.outcome !== 'ok');
      const internal = rates(history, 'wavelet_internal_errors_total').get('') ?? 0;
      const http5xx = rates(history, 'wavelet_http_requests_total', undefined, (s) =>
        /^5\d\d$/.test(s.labels.status ?? ''),
      ).get('');
      // Frames answered INTERNAL are also internal errors: each line counts once, they are not summed.
      const point: Record<string, number> = {};
      if (has(latest, 'wavelet_frames_total'))
        point['not ok'] = [...byCode.values()].reduce((a, b) => a + b, 0);
      for (const [code, rate] of byCode) point[code] = rate;
      if (has(latest, 'wavelet_internal_errors_total')) point.internal = internal;
      if (http5xx !== undefined) point['HTTP 5xx'] = http5xx;
      return point;
    },
  },
  {
    id: 'deliveries',
    title: 'Deliveries per second',
    source: 'by outcome · wavelet_deliveries_total',
    unit: 'rate',
    empty: 'No delivery counted yet (Deliveries: ok, gone, retried, handed_off, rejected).',
    colors: {
      ok: '#2f9e62',
      gone: '#8a94a0',
      retried: '#e08a1e',
      handed_off: '#2f6fde',
      rejected: '#d64545',
    },
    point: (history) => {
      const latest = history.at(-1);
      if (!latest || !has(latest, 'wavelet_deliveries_total')) return undefined;
      return Object.fromEntries(rates(history, 'wavelet_deliveries_total', 'outcome'));
    },
  },
  {
    id: 'frame-latency',
    title: 'Frame latency',
    source: 'p50 · p95 · p99 of the last 10 s · wavelet_frame_latency_ms',
    unit: 'ms',
    empty: 'No frame answered yet.',
    colors: percentileColors,
    point: (history) => percentiles(history, 'wavelet_frame_latency_ms'),
  },
  {
    id: 'http-latency',
    title: 'HTTP latency',
    source: 'p50 · p95 · p99 of the last 10 s · wavelet_http_latency_ms',
    unit: 'ms',
    empty: 'No HTTP API request answered yet.',
    colors: percentileColors,
    point: (history) => percentiles(history, 'wavelet_http_latency_ms'),
  },
];
