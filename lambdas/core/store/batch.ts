import { BatchGetCommand, type BatchGetCommandOutput, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { backoff } from '../backoff.ts';
import type { TableDeps } from '../deps.ts';

/** Attempts one BatchGet or BatchWrite gets before what it left unprocessed is an error. */
const batchAttempts = 5;

/** Base of the wait between attempts: full jitter over 25, 50, 100, 200 ms. */
const batchBackoffMs = 25;

/** Keys a BatchGet still left unprocessed (throttling) after every attempt. */
export class UnprocessedKeysError extends Error {
  constructor(readonly unprocessed: number) {
    super(`BatchGet left ${unprocessed} keys unprocessed after ${batchAttempts} attempts`);
    this.name = 'UnprocessedKeysError';
  }
}

/** Deletes a BatchWrite still left unprocessed (throttling) after every attempt. */
export class UnprocessedItemsError extends Error {
  constructor(readonly unprocessed: number) {
    super(`BatchWrite left ${unprocessed} deletes unprocessed after ${batchAttempts} attempts`);
    this.name = 'UnprocessedItemsError';
  }
}

/**
 * Deletes items by key, 25 to a BatchWrite (the maximum). Deletes left unprocessed
 * (throttling) are sent again after a wait that doubles each time, with full jitter; deletes
 * still unprocessed after the last attempt throw UnprocessedItemsError, rather than return as
 * if the items were gone. Batches before the one that throws are deleted.
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
    for (let attempt = 0; requests?.length; attempt += 1) {
      if (attempt === batchAttempts) throw new UnprocessedItemsError(requests.length);
      if (attempt > 0) await backoff(batchBackoffMs, attempt - 1);
      const { UnprocessedItems } = await deps.db.send(
        new BatchWriteCommand({ RequestItems: { [table]: requests as never } }),
      );
      requests = UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
    }
  }
}

/**
 * Reads items by key, 100 to a BatchGet (the maximum), eventually consistent; a key whose item
 * is missing is absent from the result. Unprocessed keys (throttling) are asked for again after
 * a wait that doubles each time, with full jitter (as AWS advises, so throttled callers do not
 * retry in step); keys still unprocessed after the last attempt throw UnprocessedKeysError,
 * since a result missing them would read as items that are not there. Without `projection`,
 * whole items.
 */
export async function batchGet(
  deps: Pick<TableDeps, 'config' | 'db'>,
  itemKeys: readonly Record<string, unknown>[],
  projection?: string,
): Promise<Record<string, unknown>[]> {
  const table = deps.config.TABLE_NAME;
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < itemKeys.length; i += 100) {
    let requestKeys: Record<string, unknown>[] | undefined = itemKeys.slice(i, i + 100);
    for (let attempt = 0; requestKeys?.length; attempt += 1) {
      if (attempt === batchAttempts) throw new UnprocessedKeysError(requestKeys.length);
      if (attempt > 0) await backoff(batchBackoffMs, attempt - 1);
      const response: BatchGetCommandOutput = await deps.db.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: projection
              ? { Keys: requestKeys, ProjectionExpression: projection }
              : { Keys: requestKeys },
          },
        }),
      );
      found.push(...(response.Responses?.[table] ?? []));
      requestKeys = response.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}
