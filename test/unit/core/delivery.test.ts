import { describe, expect, it } from 'vitest';
import { limitConcurrency, mapWithConcurrency } from '../../../lambdas/core/delivery/concurrency.ts';
import { chunk } from '../../../lambdas/core/delivery/deliver.ts';
import { classify } from '../../../lambdas/core/delivery/post.ts';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, $metadata: status ? { httpStatusCode: status } : {} });

describe('Function: classify', () => {
  it('treats 410 Gone as a connection that is gone', () => {
    expect(classify(sdkError('GoneException', 410))).toBe('gone');
  });

  it('retries throttling, server errors and calls that got no response', () => {
    expect(classify(sdkError('LimitExceededException', 429))).toBe('retryable');
    expect(classify(sdkError('InternalServerErrorException', 500))).toBe('retryable');
    expect(classify(sdkError('TimeoutError'))).toBe('retryable');
  });

  it('gives up on refusals that a retry cannot fix', () => {
    expect(classify(sdkError('PayloadTooLargeException', 413))).toBe('rejected');
    expect(classify(sdkError('ForbiddenException', 403))).toBe('rejected');
  });
});

describe('Function: mapWithConcurrency', () => {
  it('never runs more than the limit at once and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});

describe('Function: limitConcurrency', () => {
  it('starts waiting work in arrival order as slots free up, never more than the limit at once', async () => {
    const limit = limitConcurrency(2);
    const started: number[] = [];
    const finish: (() => void)[] = [];
    let running = 0;
    let peak = 0;
    const calls = [0, 1, 2, 3, 4].map((n) =>
      limit(async () => {
        started.push(n);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => finish.push(resolve));
        running -= 1;
        return n;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    while (finish.length > 0) {
      finish.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('frees the slot of work that fails', async () => {
    const limit = limitConcurrency(1);
    await expect(limit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit(async () => 'next')).toBe('next');
  });
});

describe('Function: chunk', () => {
  it('cuts a list into pieces of the given size, the last one shorter', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
