import type { Histogram } from '../shared/histogram.ts';

/**
 * Percentile `p` (0 to 100) of a histogram of microseconds, in milliseconds: the nearest-rank
 * value, within the histogram's relative error (0.4%); NaN when nothing was recorded.
 */
export function percentileMs(histogram: Histogram, p: number): number {
  return histogram.count === 0 ? Number.NaN : histogram.valueAt(p / 100) / 1000;
}

/** `n` rounded to `digits` decimals; NaN for a missing figure (JSON turns NaN into null). */
export const round = (n: number | null | undefined, digits = 2): number =>
  typeof n === 'number' && Number.isFinite(n) ? Number(n.toFixed(digits)) : Number.NaN;
