/**
 * A small HDR-style histogram: log-bucketed with linear sub-buckets, so every recorded value is
 * kept within a bounded relative error whatever its magnitude, in memory that grows with the
 * logarithm of the largest value. Values are non-negative integers (the load test and the
 * benchmarks record microseconds).
 *
 * With `precisionBits` p (default 8) a value below 2^p has a bucket of its own (exact); above
 * it, each power-of-two range [2^m, 2^(m+1)) is cut into 2^(p-1) equal buckets. A percentile is
 * answered with the middle of its bucket, so it is within 1 / 2^p of the true order statistic
 * (0.39% at p = 8), and never outside the recorded min and max, which are kept exactly (and
 * answered for the first and last rank).
 */
export interface HistogramSnapshot {
  readonly precisionBits: number;
  /** [bucket index, count] pairs of the non-empty buckets. */
  readonly buckets: readonly (readonly [number, number])[];
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
}

export class Histogram {
  private counts: number[] = [];
  private half: number;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  sum = 0;

  constructor(readonly precisionBits = 8) {
    if (!Number.isInteger(precisionBits) || precisionBits < 2 || precisionBits > 16) {
      throw new RangeError('precisionBits must be an integer from 2 to 16');
    }
    this.half = 2 ** (precisionBits - 1);
  }

  /** The largest relative error of a percentile answer. */
  get relativeError(): number {
    return 1 / 2 ** this.precisionBits;
  }

  /** Records a value (rounded to an integer; negative values count as 0) `times` times. */
  record(value: number, times = 1): void {
    const v = Math.max(0, Math.round(value));
    const index = this.indexOf(v);
    while (this.counts.length <= index) this.counts.push(0);
    this.counts[index] = (this.counts[index] ?? 0) + times;
    this.count += times;
    this.sum += v * times;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** The value at quantile q (0 to 1): the middle of the bucket holding the ceil(q·n)-th value. */
  valueAt(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.count));
    // The extremes are kept exactly.
    if (rank === this.count) return this.max;
    if (rank === 1) return this.min;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) {
        const [low, width] = this.bucketOf(i);
        const middle = low + Math.floor((width - 1) / 2);
        return Math.min(this.max, Math.max(this.min, middle));
      }
    }
    return this.max;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** Adds another histogram's counts (same precision) to this one. */
  merge(other: Histogram | HistogramSnapshot): this {
    const snapshot = other instanceof Histogram ? other.snapshot() : other;
    if (snapshot.precisionBits !== this.precisionBits) {
      throw new RangeError('cannot merge histograms of different precision');
    }
    if (snapshot.count === 0) return this;
    for (const [index, n] of snapshot.buckets) {
      while (this.counts.length <= index) this.counts.push(0);
      this.counts[index] = (this.counts[index] ?? 0) + n;
    }
    this.count += snapshot.count;
    this.sum += snapshot.sum;
    this.min = Math.min(this.min, snapshot.min);
    this.max = Math.max(this.max, snapshot.max);
    return this;
  }

  /** A plain, JSON-safe copy (sparse), for reports and for sending between processes. */
  snapshot(): HistogramSnapshot {
    const buckets: [number, number][] = [];
    this.counts.forEach((n, i) => {
      if (n > 0) buckets.push([i, n]);
    });
    const min = this.count === 0 ? 0 : this.min;
    return {
      precisionBits: this.precisionBits,
      buckets,
      count: this.count,
      min,
      max: this.max,
      sum: this.sum,
    };
  }

  static fromSnapshot(snapshot: HistogramSnapshot): Histogram {
    return new Histogram(snapshot.precisionBits).merge(snapshot);
  }

  /** Empties the histogram (for interval histograms). */
  reset(): void {
    this.counts = [];
    this.count = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
    this.sum = 0;
  }

  private indexOf(v: number): number {
    if (v < 2 * this.half) return v;
    const shift = Math.floor(Math.log2(v)) - this.precisionBits + 1;
    // log2 of a float can land one off near powers of two: correct the shift so sub is in range.
    let s = shift;
    while (Math.floor(v / 2 ** s) >= 2 * this.half) s += 1;
    while (s > 0 && Math.floor(v / 2 ** s) < this.half) s -= 1;
    return s * this.half + Math.floor(v / 2 ** s);
  }

  /** [lowest value, width] of bucket i. */
  private bucketOf(i: number): [number, number] {
    if (i < 2 * this.half) return [i, 1];
    const shift = Math.floor(i / this.half) - 1;
    const sub = i - shift * this.half;
    const width = 2 ** shift;
    return [sub * width, width];
  }
}
