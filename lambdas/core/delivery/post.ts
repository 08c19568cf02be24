import { backoff } from '../backoff.ts';
import type { Deps, PostOutcome } from '../deps.ts';
import { count } from '../metrics.ts';

/**
 * Posts one frame with up to DELIVERY_RETRIES retries on throttling (429), server errors (5xx)
 * and timeouts, waiting with exponential backoff and full jitter between tries.
 *
 * Counts `Deliveries` by outcome: `retried` per retry, and `ok`, `gone` or `rejected` when the
 * post ends so. A `retryable` result is the caller's to count, as it decides what follows
 * (`handed_off` or `abandoned`).
 */
export async function postWithRetry(deps: Deps, connectionId: string, frame: string): Promise<PostOutcome> {
  const { DELIVERY_RETRIES, DELIVERY_BACKOFF_MS } = deps.config;
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await deps.posts.post(connectionId, frame);
    if (outcome !== 'retryable') {
      count('Deliveries', 1, { outcome });
      return outcome;
    }
    if (attempt >= DELIVERY_RETRIES) return outcome;
    count('Deliveries', 1, { outcome: 'retried' });
    await backoff(DELIVERY_BACKOFF_MS, attempt);
  }
}

/** Maps an SDK error of the management API to what delivery does next. */
export function classify(error: unknown): PostOutcome {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return outcomeOf(e.$metadata?.httpStatusCode, e.name);
}

/**
 * Maps a failed call's status and error type (`x-amzn-ErrorType`, the SDK error's name) to
 * what delivery does next; `undefined` status means no response at all.
 */
export function outcomeOf(status: number | undefined, errorType?: string): PostOutcome {
  if (errorType === 'GoneException' || status === 410) return 'gone';
  if (status === 429 || (status !== undefined && status >= 500)) return 'retryable';
  if (errorType === 'LimitExceededException' || errorType === 'ThrottlingException') return 'retryable';
  // No response at all: timeout, reset socket, refused connection.
  if (status === undefined) return 'retryable';
  return 'rejected';
}
