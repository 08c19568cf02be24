import { describe, expect, it } from 'vitest';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import { forEachQueryPage } from '../../../lambdas/core/store/query-pages.ts';

/** A table whose Query answers the given pages in turn, chained by LastEvaluatedKey. */
function pagedTable(pages: string[][]): { deps: TableDeps; requests: () => number } {
  let requests = 0;
  const db = {
    send: async () => {
      const index = requests++;
      return {
        Items: (pages[index] ?? []).map((id) => ({ id })),
        LastEvaluatedKey: index < pages.length - 1 ? { id: pages[index]?.at(-1) } : undefined,
      };
    },
  };
  return { deps: { db, config: { TABLE_NAME: 't' } } as unknown as TableDeps, requests: () => requests };
}

describe('Function: forEachQueryPage', () => {
  it('hands every page over and reports it read them all', async () => {
    const { deps, requests } = pagedTable([['a', 'b'], ['c']]);
    const seen: unknown[] = [];
    expect(await forEachQueryPage(deps, {}, async (items) => void seen.push(...items))).toBe(true);
    expect(seen).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(requests()).toBe(2);
  });

  it('stops before the next request once keepGoing says no, and reports it did not finish', async () => {
    const { deps, requests } = pagedTable([['a'], ['b'], ['c']]);
    let pages = 0;
    const finished = await forEachQueryPage(
      deps,
      {},
      async () => {
        pages += 1;
      },
      () => pages < 2,
    );
    expect(finished).toBe(false);
    expect(requests()).toBe(2);
  });

  it('reports it finished when the last page was read, whatever keepGoing says afterwards', async () => {
    const { deps } = pagedTable([['a']]);
    let pages = 0;
    const keepGoing = () => pages === 0;
    const countPage = async () => {
      pages += 1;
    };
    expect(await forEachQueryPage(deps, {}, countPage, keepGoing)).toBe(true);
  });
});
