import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import { batchGet, UnprocessedKeysError } from '../../../lambdas/core/store/batch.ts';

type Key = { pk: string };

/**
 * A table whose BatchGet answers `processed(attempt)` of the keys asked for (the first n) and
 * returns the rest as UnprocessedKeys, as DynamoDB does under throttling.
 */
function throttledTable(processed: (attempt: number, asked: number) => number) {
  const asked: Key[][] = [];
  const db = {
    send: async (command: { input: { RequestItems: Record<string, { Keys: Key[] }> } }) => {
      const keys = command.input.RequestItems.t?.Keys ?? [];
      const n = processed(asked.length, keys.length);
      asked.push(keys);
      const rest = keys.slice(n);
      return {
        Responses: { t: keys.slice(0, n).map((key) => ({ ...key, found: true })) },
        UnprocessedKeys: rest.length > 0 ? { t: { Keys: rest } } : {},
      };
    },
  };
  return { deps: { db, config: { TABLE_NAME: 't' } } as unknown as TableDeps, asked };
}

const keysOf = (n: number): Key[] => Array.from({ length: n }, (_, i) => ({ pk: `K#${i}` }));

describe('Function: batchGet', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks again for the keys left unprocessed and returns every item', async () => {
    const { deps, asked } = throttledTable((attempt, n) => (attempt < 2 ? 1 : n));
    const items = await batchGet(deps, keysOf(3), 'pk');
    expect(items.map((item) => item.pk).sort()).toEqual(['K#0', 'K#1', 'K#2']);
    expect(asked.map((keys) => keys.length)).toEqual([3, 2, 1]);
  });

  it('throws when keys are still unprocessed after the last attempt, rather than return without them', async () => {
    const { deps, asked } = throttledTable(() => 0);
    const read = batchGet(deps, keysOf(2), 'pk');
    await expect(read).rejects.toBeInstanceOf(UnprocessedKeysError);
    await expect(read).rejects.toMatchObject({ unprocessed: 2 });
    expect(asked).toHaveLength(5);
  });

  it('waits before asking again for unprocessed keys', async () => {
    vi.useFakeTimers();
    const { deps, asked } = throttledTable((attempt, n) => (attempt === 0 ? 0 : n));
    const read = batchGet(deps, keysOf(1), 'pk');
    // Let every promise settle without moving the clock: the second attempt waits on a timer.
    for (let tick = 0; tick < 20; tick += 1) await Promise.resolve();
    expect(asked).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(asked).toHaveLength(2);
    expect(await read).toEqual([{ pk: 'K#0', found: true }]);
  });
});
