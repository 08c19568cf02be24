/**
 * Runs `work` over `items` with at most `limit` calls in flight; results keep the input order.
 * A rejection rejects the whole run (after the calls in flight settle is not awaited).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Runs work with at most a fixed number of calls in flight; see {@link limitConcurrency}. */
export type Limiter = <R>(work: () => Promise<R>) => Promise<R>;

/**
 * A limiter shared by many callers: past `limit` calls in flight, work waits its turn (first
 * come, first served) before it starts, so nothing is built for it until a slot is free.
 */
export function limitConcurrency(limit: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  let head = 0;
  const release = (): void => {
    const next = waiting[head];
    if (next === undefined) {
      active -= 1;
      return;
    }
    waiting[head] = undefined as never;
    head += 1;
    // Compacted now and then rather than shifted per call, which copies the whole queue.
    if (head > 1024 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
    next();
  };
  return async (work) => {
    if (active < limit) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      release();
    }
  };
}
