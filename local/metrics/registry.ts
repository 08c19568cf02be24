import { EmfParseError, type EmfSample, parseEmfLine } from './emf.ts';
import { type FamilySnapshot, formatExposition, type Labels } from './exposition.ts';
import { type FamilyShape, familyOf, labelNameOf } from './families.ts';

/** The counter of EMF lines the registry could not read. */
export const rejectedFamily = {
  name: 'wavelet_local_emf_rejected_total',
  help: 'EMF lines the local runtime could not read (malformed), ignored',
} as const;

interface CounterState {
  readonly labels: Labels;
  value: number;
}

interface HistogramState {
  readonly labels: Labels;
  readonly counts: number[];
  sum: number;
  count: number;
}

type Family =
  | (FamilyShape & { readonly type: 'counter'; readonly series: Map<string, CounterState> })
  | (FamilyShape & { readonly type: 'histogram'; readonly series: Map<string, HistogramState> });

/**
 * What the functions of the local runtime measured, from the EMF lines they write (the same
 * lines CloudWatch reads on AWS), served in the Prometheus text format. Counters and histograms
 * live for the runtime's life; a line that is not EMF, or that would make a counter go down or
 * give a name two types, is ignored as a whole and counted in `wavelet_local_emf_rejected_total`.
 *
 * @example
 * const registry = new MetricsRegistry();
 * registry.ingest(emfLine);
 * registry.exposition(); // '# HELP wavelet_frames_total …'
 */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private rejected = 0;

  /** Adds what one EMF line carries; never throws. Returns whether the line was read. */
  ingest(line: string): boolean {
    let samples: EmfSample[];
    try {
      samples = parseEmfLine(line);
      for (const sample of samples) this.check(sample);
    } catch (error) {
      if (!(error instanceof EmfParseError)) throw error;
      this.rejected += 1;
      return false;
    }
    for (const sample of samples) this.add(sample);
    return true;
  }

  /** The Prometheus text (format 0.0.4) of every family, sorted by name. */
  exposition(): string {
    return formatExposition(this.snapshot());
  }

  /** Every family with its series, the rejected-line counter included. */
  snapshot(): FamilySnapshot[] {
    const families: FamilySnapshot[] = [
      { ...rejectedFamily, type: 'counter', series: [{ labels: [], value: this.rejected }] },
    ];
    for (const f of this.families.values()) {
      const series = [...f.series.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, s]) => s);
      families.push(
        f.type === 'counter'
          ? { name: f.name, type: 'counter', help: f.help, series: series as CounterState[] }
          : {
              name: f.name,
              type: 'histogram',
              help: f.help,
              buckets: f.buckets,
              series: series as HistogramState[],
            },
      );
    }
    return families.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Forgets every series and the rejected count. */
  reset(): void {
    this.families.clear();
    this.rejected = 0;
  }

  /** Throws on a sample that cannot join the registry, before any sample of its line is added. */
  private check(sample: EmfSample): void {
    const shape = familyOf(sample.name, sample.unit);
    const existing = this.families.get(shape.name);
    if (shape.name === rejectedFamily.name || (existing && existing.type !== shape.type))
      throw new EmfParseError(`${sample.name} would make ${shape.name} a second type`);
    if (shape.type === 'counter' && sample.values.some((v) => v < 0))
      throw new EmfParseError(`counter ${sample.name} has a negative value`);
  }

  private add(sample: EmfSample): void {
    const shape = familyOf(sample.name, sample.unit);
    let family = this.families.get(shape.name);
    if (!family) {
      family = { ...shape, series: new Map() } as Family;
      this.families.set(shape.name, family);
    }
    const labels: Labels = sample.labels.map(([name, value]) => [labelNameOf(name, shape.type), value]);
    const key = JSON.stringify(labels);
    if (family.type === 'counter') {
      const series = family.series.get(key) ?? { labels, value: 0 };
      for (const value of sample.values) series.value += value;
      family.series.set(key, series);
      return;
    }
    const series = family.series.get(key) ?? {
      labels,
      counts: new Array<number>(family.buckets.length + 1).fill(0),
      sum: 0,
      count: 0,
    };
    for (const value of sample.values) {
      const index = family.buckets.findIndex((bound) => value <= bound);
      const bucket = index === -1 ? family.buckets.length : index;
      series.counts[bucket] = (series.counts[bucket] ?? 0) + 1;
      series.sum += value;
      series.count += 1;
    }
    family.series.set(key, series);
  }
}
