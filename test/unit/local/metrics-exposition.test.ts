import { afterEach, describe, expect, it, vi } from 'vitest';

// lambdas/core/metrics.ts reads its settings once, when it loads (as at a cold start).
vi.hoisted(() => {
  process.env.STAGE = 'local';
  process.env.POWERTOOLS_SERVICE_NAME = 'wavelet';
});

import { count, flushMetrics, observe } from '../../../lambdas/core/metrics.ts';
import { installMetricsSink, MetricsRegistry, millisecondBuckets } from '../../../local/metrics/index.ts';
import { emfLine } from '../../helpers/emf.ts';

/** One sample of the text format, as a scraper reads it. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

interface Scrape {
  readonly help: Map<string, string>;
  readonly types: Map<string, string>;
  readonly samples: Sample[];
}

/**
 * A strict reader of the Prometheus text format 0.0.4, written apart from the registry: it throws
 * on any line outside the grammar, on a sample before its family's TYPE, and on a family's
 * HELP or TYPE twice.
 */
function parseExposition(text: string): Scrape {
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a line feed');
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = new RegExp(`^# (HELP|TYPE) (${name}) (.*)$`).exec(line);
    if (comment) {
      const [, keyword, family = '', rest = ''] = comment;
      const seen = keyword === 'HELP' ? help : types;
      if (seen.has(family)) throw new Error(`${keyword} of ${family} twice`);
      if (keyword === 'TYPE' && !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest))
        throw new Error(`unknown type: ${line}`);
      seen.set(family, keyword === 'HELP' ? rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\') : rest);
      continue;
    }
    const sample = new RegExp(`^(${name})(\\{.*\\})? (\\S+)$`).exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const [, sampleName = '', rawLabels, rawValue = ''] = sample;
    const family = [...types.keys()].find(
      (f) =>
        sampleName === f ||
        (types.get(f) === 'histogram' &&
          /^_(bucket|sum|count)$/.test(sampleName.slice(f.length)) &&
          sampleName.startsWith(f)),
    );
    if (!family) throw new Error(`a sample before its TYPE: ${line}`);
    const value = rawValue === '+Inf' ? Number.POSITIVE_INFINITY : Number(rawValue);
    if (Number.isNaN(value) && rawValue !== 'NaN') throw new Error(`not a value: ${line}`);
    samples.push({ name: sampleName, labels: rawLabels ? parseLabels(rawLabels) : {}, value });
  }
  return { help, types, samples };
}

function parseLabels(raw: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = raw.slice(1, -1);
  while (rest.length > 0) {
    const head = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(rest);
    if (!head) throw new Error(`bad label list: ${raw}`);
    let i = head[0].length;
    let value = '';
    for (; rest[i] !== '"'; i++) {
      if (i >= rest.length) throw new Error(`unterminated label value: ${raw}`);
      if (rest[i] !== '\\') {
        value += rest[i];
        continue;
      }
      i++;
      const escaped = { '\\': '\\', '"': '"', n: '\n' }[rest[i] ?? ''];
      if (escaped === undefined) throw new Error(`bad escape in ${raw}`);
      value += escaped;
    }
    labels[head[1] ?? ''] = value;
    rest = rest.slice(i + 1);
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (rest.length > 0) throw new Error(`bad label list: ${raw}`);
  }
  return labels;
}

const emf = emfLine;

const find = (scrape: Scrape, name: string, labels: Record<string, string> = {}) =>
  scrape.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );

let uninstall: (() => void) | undefined;
afterEach(() => uninstall?.());

describe('Class: MetricsRegistry', () => {
  describe('Method: exposition', () => {
    it('serves the lines the functions write as counters and histograms a strict reader accepts', () => {
      const registry = new MetricsRegistry();
      uninstall = installMetricsSink((line) => registry.ingest(line));
      for (const ms of [0.4, 3, 3, 12, 40_000]) {
        count('Frames', 1, { action: 'send', outcome: 'ok' });
        observe('FrameLatency', ms, { action: 'send', outcome: 'ok' });
        flushMetrics();
      }
      count('Frames', 1, { action: 'publish', outcome: 'BAD_REQUEST' });
      observe('InboxDepth', 7);
      flushMetrics();

      const scrape = parseExposition(registry.exposition());
      expect(scrape.types.get('wavelet_frames_total')).toBe('counter');
      expect(scrape.help.get('wavelet_frames_total')).toBe(
        'Client frames by action and outcome (ok, or the error code answered)',
      );
      expect(find(scrape, 'wavelet_frames_total')).toEqual([
        {
          name: 'wavelet_frames_total',
          labels: { service: 'wavelet', stage: 'local', action: 'publish', outcome: 'BAD_REQUEST' },
          value: 1,
        },
        {
          name: 'wavelet_frames_total',
          labels: { service: 'wavelet', stage: 'local', action: 'send', outcome: 'ok' },
          value: 5,
        },
      ]);
      expect(scrape.types.get('wavelet_frame_latency_ms')).toBe('histogram');
      const buckets = find(scrape, 'wavelet_frame_latency_ms_bucket', { action: 'send' });
      expect(buckets.map((b) => b.labels.le)).toEqual([...millisecondBuckets.map(String), '+Inf']);
      const at = (le: string) => buckets.find((b) => b.labels.le === le)?.value;
      expect([at('1'), at('3'), at('10'), at('15'), at('30000'), at('+Inf')]).toEqual([1, 3, 3, 4, 4, 5]);
      expect(find(scrape, 'wavelet_frame_latency_ms_sum', { action: 'send' })[0]?.value).toBeCloseTo(
        40_018.4,
      );
      expect(find(scrape, 'wavelet_frame_latency_ms_count', { action: 'send' })[0]?.value).toBe(5);
      // A size: no unit suffix, buckets 1, 2, 5, 10, …
      expect(scrape.types.get('wavelet_inbox_depth')).toBe('histogram');
      const depth = find(scrape, 'wavelet_inbox_depth_bucket');
      expect(depth.slice(0, 4).map((b) => [b.labels.le, b.value])).toEqual([
        ['1', 0],
        ['2', 0],
        ['5', 0],
        ['10', 1],
      ]);
      expect(find(scrape, 'wavelet_local_emf_rejected_total')[0]?.value).toBe(0);
    });

    it('prints cumulative buckets that never go down and end at +Inf with the count, for every series', () => {
      const registry = new MetricsRegistry();
      let seed = 7;
      const random = () => {
        seed = (seed * 16_807) % 2_147_483_647;
        return seed / 2_147_483_647;
      };
      for (let i = 0; i < 300; i++) {
        const values = [random() * 2000, random() ** 4 * 60_000];
        registry.ingest(
          emf([{ Name: 'HttpLatency', Unit: 'Milliseconds' }], { route: `r${i % 3}`, HttpLatency: values }, [
            'stage',
            'route',
          ]),
        );
      }
      const scrape = parseExposition(registry.exposition());
      for (const route of ['r0', 'r1', 'r2']) {
        const buckets = find(scrape, 'wavelet_http_latency_ms_bucket', { route });
        const bounds = buckets.map((b) =>
          b.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(b.labels.le),
        );
        expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
        expect(bounds.at(-1)).toBe(Number.POSITIVE_INFINITY);
        const counts = buckets.map((b) => b.value);
        expect(counts).toEqual([...counts].sort((a, b) => a - b));
        expect(buckets.at(-1)?.value).toBe(200);
        expect(find(scrape, 'wavelet_http_latency_ms_count', { route })[0]?.value).toBe(200);
      }
    });

    it('escapes backslashes, double quotes and line feeds in label values', () => {
      const registry = new MetricsRegistry();
      const nasty = 'a\\b"c\nd';
      registry.ingest(
        emf([{ Name: 'HttpRequests', Unit: 'Count' }], { route: nasty, HttpRequests: 2 }, ['route']),
      );
      const text = registry.exposition();
      expect(text).toContain('wavelet_http_requests_total{route="a\\\\b\\"c\\nd"} 2\n');
      expect(find(parseExposition(text), 'wavelet_http_requests_total')[0]?.labels.route).toBe(nasty);
    });

    it('serves a metric outside the catalog with a generic help, and sums a counter across lines', () => {
      const registry = new MetricsRegistry();
      registry.ingest(emf([{ Name: 'CacheHits', Unit: 'Count' }], { CacheHits: 2 }));
      registry.ingest(emf([{ Name: 'CacheHits', Unit: 'Count' }], { CacheHits: [3] }));
      const scrape = parseExposition(registry.exposition());
      expect(scrape.help.get('wavelet_cache_hits_total')).toBe(
        'EMF metric CacheHits (unit Count), outside the wavelet catalog',
      );
      expect(find(scrape, 'wavelet_cache_hits_total')).toEqual([
        { name: 'wavelet_cache_hits_total', labels: { stage: 'local' }, value: 5 },
      ]);
    });
  });

  describe('Method: ingest', () => {
    it.each([
      ['a line that is not EMF', 'Frames 1'],
      ['a negative counter', emf([{ Name: 'Frames', Unit: 'Count' }], { Frames: -1 })],
      ['a second type for one name', emf([{ Name: 'RateLimitedTotal' }], { RateLimitedTotal: 1 })],
      [
        'a document whose second metric is malformed',
        emf(
          [
            { Name: 'Frames', Unit: 'Count' },
            { Name: 'FrameLatency', Unit: 'Milliseconds' },
          ],
          { Frames: 1, FrameLatency: 'fast' },
        ),
      ],
    ])('ignores %s as a whole and counts it in wavelet_local_emf_rejected_total', (_, line) => {
      const registry = new MetricsRegistry();
      registry.ingest(emf([{ Name: 'RateLimited', Unit: 'Count' }], { RateLimited: 1 }));
      const before = registry.exposition();

      expect(registry.ingest(line)).toBe(false);
      const after = registry.exposition();
      expect(
        after.replace('wavelet_local_emf_rejected_total 1\n', 'wavelet_local_emf_rejected_total 0\n'),
      ).toBe(before);
      expect(find(parseExposition(after), 'wavelet_local_emf_rejected_total')[0]?.value).toBe(1);
    });
  });
});
