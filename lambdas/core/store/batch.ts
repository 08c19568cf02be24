import { BatchGetCommand, type BatchGetCommandOutput, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
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

/** Attempts one BatchGet of up to 100 keys gets before its unprocessed keys are an error. */
const batchGetAttempts = 5;

/** Base of the wait between attempts: full jitter over 25, 50, 100, 200 ms. */
const batchGetBackoffMs = 25;

/** Keys a BatchGet still left unprocessed (throttling) after every attempt. */
export class UnprocessedKeysError extends Error {
  constructor(readonly unprocessed: number) {
    super(`BatchGet left ${unprocessed} keys unprocessed after ${batchGetAttempts} attempts`);
    this.name = 'UnprocessedKeysError';
  }
}

/**
 * Reads items by key, 100 to a BatchGet (the maximum), eventually consistent; a key whose item
 * is missing is absent from the result. Unprocessed keys (throttling) are asked for again after
 * a wait that doubles each time, with full jitter (as AWS advises, so throttled callers do not
 * retry in step); keys still unprocessed after the last attempt throw UnprocessedKeysError,
 * since a result missing them would read as items that are not there.
 */
export async function batchGet(
  deps: Pick<TableDeps, 'config' | 'db'>,
  itemKeys: readonly Record<string, unknown>[],
  projection: string,
): Promise<Record<string, unknown>[]> {
  const table = deps.config.TABLE_NAME;
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < itemKeys.length; i += 100) {
    let requestKeys: Record<string, unknown>[] | undefined = itemKeys.slice(i, i + 100);
    for (let attempt = 0; requestKeys?.length; attempt += 1) {
      if (attempt === batchGetAttempts) throw new UnprocessedKeysError(requestKeys.length);
      if (attempt > 0) await sleep(Math.random() * batchGetBackoffMs * 2 ** (attempt - 1));
      const response: BatchGetCommandOutput = await deps.db.send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: requestKeys, ProjectionExpression: projection } },
        }),
      );
      found.push(...(response.Responses?.[table] ?? []));
      requestKeys = response.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
