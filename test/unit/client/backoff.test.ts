import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../client/backoff.ts';

const options = { initialDelayMs: 100, maxDelayMs: 5000 };

describe('Function: backoffDelay', () => {
  it('draws from zero up to, never reaching, initialDelayMs * 2^attempt', () => {
    expect(backoffDelay(0, options, () => 0)).toBe(0);
    expect(backoffDelay(0, options, () => 0.999999)).toBe(99);
    expect(backoffDelay(3, options, () => 0.999999)).toBe(799);
    expect(backoffDelay(3, options, () => 0.5)).toBe(400);
  });

  it('spreads delays over the whole window (full jitter)', () => {
    const delays = Array.from({ length: 2000 }, () => backoffDelay(4, options));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(1600);
    // Both halves of the window are used, and the draws are not all alike.
    expect(delays.some((d) => d < 400)).toBe(true);
    expect(delays.some((d) => d > 1200)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(500);
  });

  it('caps the window at maxDelayMs, however many attempts failed', () => {
    for (const attempt of [6, 7, 20, 100, 5000]) {
      expect(backoffDelay(attempt, options, () => 0.999999)).toBe(4999);
    }
  });

  it('uses 1 s growing to 30 s by default', () => {
    expect(backoffDelay(0, {}, () => 0.999999)).toBe(999);
    expect(backoffDelay(30, {}, () => 0.999999)).toBe(29_999);
  });
});
