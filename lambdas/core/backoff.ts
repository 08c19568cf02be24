/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits before retry number `retry` (0 for the first): exponential backoff with full jitter, a
 * random time up to `baseMs` doubled `retry` times, as AWS advises so throttled callers do not
 * retry in step.
 */
export const backoff = (baseMs: number, retry: number): Promise<void> =>
  sleep(Math.random() * baseMs * 2 ** retry);
