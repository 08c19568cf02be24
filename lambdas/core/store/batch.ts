import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';

/**
 * Deletes items by key, 25 to a BatchWrite (the maximum). BatchWrite may leave items
 * unprocessed under throttling; a few rounds settle them.
 */
export async function batchDelete(
  deps: Pick<TableDeps, 'config' | 'db'>,
  itemKeys: readonly Record<string, unknown>[],
): Promise<void> {
  const table = deps.config.TABLE_NAME;
  for (let i = 0; i < itemKeys.length; i += 25) {
    let requests: Record<string, unknown>[] | undefined = itemKeys
      .slice(i, i + 25)
      .map((Key) => ({ DeleteRequest: { Key } }));
    for (let round = 0; requests?.length && round < 5; round += 1) {
      const { UnprocessedItems } = await deps.db.send(
        new BatchWriteCommand({ RequestItems: { [table]: requests as never } }),
      );
      requests = UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
    }
  }
}
