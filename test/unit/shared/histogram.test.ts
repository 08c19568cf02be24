import { describe, expect, it } from 'vitest';
import { Histogram } from '../../../tools/shared/histogram.ts';

/** The exact order statistic the histogram's valueAt(q) approximates: the ceil(q·n)-th smallest. */
const exact = (sorted: readonly number[], q: number) =>
  sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? 0;

/** A deterministic pseudo-random sequence (no Math.random: the test must be repeatable). */
function* lcg(seed: number) {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield x / 2 ** 31;
  }
}

describe('Class: Histogram', () => {
  it('answers values below 2^precision exactly', () => {
    const h = new Histogram(8);
    for (let v = 1; v <= 100; v++) h.record(v);
    expect(h.valueAt(0.5)).toBe(50);
    expect(h.valueAt(0.9)).toBe(90);
    expect(h.valueAt(0.99)).toBe(99);
    expect(h.valueAt(1)).toBe(100);
    expect(h.count).toBe(100);
    expect(h.min).toBe(1);
    expect(h.mean).toBeCloseTo(50.5, 10);
  });

  it('keeps every percentile within its stated relative error over six decades', () => {
    const h = new Histogram(8);
    const random = lcg(42);
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Log-uniform from 1 µs to 10 s, the spread of real latencies.
      const v = Math.round(10 ** (7 * (random.next().value as number)));
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 1]) {
      const truth = exact(values, q);
      expect(Math.abs(h.valueAt(q) - truth)).toBeLessThanOrEqual(truth * h.relativeError + 0.5);
    }
    expect(h.relativeError).toBeCloseTo(1 / 256, 12);
    expect(h.max).toBe(values.at(-1));
    expect(h.valueAt(1)).toBe(values.at(-1));
  });

  it('puts a value into a bucket that contains it at every magnitude', () => {
    const h = new Histogram(4);
    for (let v = 1; v < 5000; v++) {
      h.reset();
      // min and max are exact: surround v so that the median is answered from v's bucket.
      h.record(0);
      h.record(v, 2);
      h.record(1e9);
      const mid = h.valueAt(0.5);
      expect(Math.abs(mid - v)).toBeLessThanOrEqual(Math.max(0, v * h.relativeError));
    }
  });

  it('merges snapshots into the same answers as one histogram of all values', () => {
    const whole = new Histogram();
    const parts = [new Histogram(), new Histogram(), new Histogram()];
    for (let v = 1; v <= 30_000; v += 7) {
      whole.record(v * 13);
      parts[v % 3]?.record(v * 13);
    }
    const merged = new Histogram();
    for (const p of parts) merged.merge(JSON.parse(JSON.stringify(p.snapshot())));
    for (const q of [0.5, 0.9, 0.99, 0.999]) expect(merged.valueAt(q)).toBe(whole.valueAt(q));
    expect(merged.count).toBe(whole.count);
    expect(merged.min).toBe(whole.min);
    expect(merged.max).toBe(whole.max);
    expect(merged.sum).toBe(whole.sum);
  });

  it('answers 0 when empty and refuses to merge a different precision', () => {
    const h = new Histogram();
    expect(h.valueAt(0.99)).toBe(0);
    expect(h.snapshot()).toMatchObject({ count: 0, min: 0, max: 0, buckets: [] });
    expect(() => h.merge(new Histogram(6))).toThrow(RangeError);
  });

  it('counts a value recorded several times at once', () => {
    const h = new Histogram();
    h.record(10, 99);
    h.record(5000, 1);
    expect(h.valueAt(0.99)).toBe(10);
    expect(h.valueAt(0.995)).toBe(5000);
    expect(h.count).toBe(100);
  });
});
