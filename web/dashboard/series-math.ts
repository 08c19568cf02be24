import type { Sample, Scrape } from './prometheus-text.ts';

/** Values of one instant by series name (a legend's entries); `null` when there is no value to show. */
export type Point = Readonly<Record<string, number | null>>;

/** The sum of the samples named `name`, grouped by the value of `by` (everything under `''` without). */
export function sumBy(
  scrape: Scrape,
  name: string,
  by?: string,
  keep: (s: Sample) => boolean = () => true,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const s of scrape.samples) {
    if (s.name !== name || !keep(s)) continue;
    const key = by ? (s.labels[by] ?? '') : '';
    sums.set(key, (sums.get(key) ?? 0) + s.value);
  }
  return sums;
}

/** Whether any sample is named `name`. */
export const has = (scrape: Scrape, name: string) => scrape.samples.some((s) => s.name === name);

/**
 * Per-second increase of counters between two scrapes, by group. A counter lower than before
 * restarted (a new runtime): its whole value counts as the increase.
 */
export function ratesBetween(earlier: Map<string, number>, later: Map<string, number>, seconds: number) {
  const rates = new Map<string, number>();
  if (seconds <= 0) return rates;
  for (const [key, value] of later) {
    const before = earlier.get(key) ?? 0;
    const increase = value >= before ? value - before : value;
    rates.set(key, increase / seconds);
  }
  return rates;
}

/** Cumulative bucket counts by upper bound (`+Inf` as Infinity), summed over every series of a histogram. */
export function bucketsOf(scrape: Scrape, histogram: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const s of scrape.samples) {
    if (s.name !== `${histogram}_bucket` || s.labels.le === undefined) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    if (Number.isNaN(le)) continue;
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  return buckets;
}

/** What the buckets gained between two scrapes (a bucket lower than before restarted). */
export function bucketIncrease(
  earlier: Map<number, number>,
  later: Map<number, number>,
): Map<number, number> {
  const increase = new Map<number, number>();
  for (const [le, value] of later) {
    const before = earlier.get(le) ?? 0;
    increase.set(le, value >= before ? value - before : value);
  }
  return increase;
}

/**
 * The `q` quantile (0..1) of cumulative buckets, interpolated linearly inside its bucket as
 * Prometheus' `histogram_quantile` does; the highest finite bound when it falls in `+Inf`, and
 * `null` with no observation.
 */
export function quantileOf(q: number, cumulative: Map<number, number>): number | null {
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const total = cumulative.get(Number.POSITIVE_INFINITY) ?? cumulative.get(bounds.at(-1) ?? 0) ?? 0;
  if (bounds.length === 0 || total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const count = cumulative.get(bound) ?? 0;
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}
