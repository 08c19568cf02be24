import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';

/** A Query of the table without its name and start key, which `queryPages` fills in. */
export type TableQuery = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/**
 * Yields the items of each page of a Query until DynamoDB reports no more. A page holds up to
 * 1 MB, so a caller that acts per page (a fan-out) never holds a whole partition at once.
 */
export async function* queryPages(
  deps: TableDeps,
  query: TableQuery,
): AsyncGenerator<Record<string, unknown>[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({ ...query, TableName: deps.config.TABLE_NAME, ExclusiveStartKey: startKey }),
    );
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item a Query finds, across all its pages. */
export async function queryAll(deps: TableDeps, query: TableQuery): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of queryPages(deps, query)) items.push(...page);
  return items;
}

/**
 * Calls `onPage` with each page of a Query, asking `keepGoing` before every request so that a
 * caller with a time budget (the sweeper) stops between pages. `onPage` may delete what it is
 * given: the next page starts after the last key. Returns false when `keepGoing` stopped it
 * before the last page.
 */
export async function forEachQueryPage(
  deps: TableDeps,
  query: TableQuery,
  onPage: (items: Record<string, unknown>[]) => Promise<void>,
  keepGoing: () => boolean = () => true,
): Promise<boolean> {
  let startKey: Record<string, unknown> | undefined;
  do {
    if (!keepGoing()) return false;
    const page = await deps.db.send(
      new QueryCommand({ ...query, TableName: deps.config.TABLE_NAME, ExclusiveStartKey: startKey }),
    );
    await onPage(page.Items ?? []);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return true;
}
