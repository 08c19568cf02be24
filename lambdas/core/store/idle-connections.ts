import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { credentialExpiryIndexKeys, lastSeenIndexKeys } from './connections.ts';
import { byCredentialExpiryIndex, byLastSeenIndex } from './keys.ts';

/** A connection not seen for a while, as the byLastSeen index shows it. */
export interface IdleConnection {
  readonly connectionId: string;
  readonly lastSeenAt: number;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/**
 * Calls `onPage` with each page of one byLastSeen shard's connections last seen before
 * `seenBefore` (epoch ms), oldest first. `onPage` may refresh or delete what it is given: a
 * refreshed connection moves past the range and the next page starts after the last key.
 * Returns false when `keepGoing` stopped it before the last page.
 */
export async function forEachIdleConnectionPage(
  deps: TableDeps,
  shard: number,
  seenBefore: number,
  onPage: (connections: IdleConnection[]) => Promise<void>,
  keepGoing: () => boolean = () => true,
): Promise<boolean> {
  // The sort key depends on the time only; any connection id gives the same one.
  const { gsi2sk: before } = lastSeenIndexKeys('', seenBefore);
  return forEachShardPage(
    deps,
    { index: byLastSeenIndex, pk: 'gsi2pk', sk: 'gsi2sk', shard: `SWEEP#${shard}`, before },
    'connectionId, lastSeenAt, expiresAt',
    (items) =>
      onPage(
        items.map((item) => ({
          connectionId: item.connectionId as string,
          lastSeenAt: item.lastSeenAt as number,
          expiresAt: item.expiresAt as number,
        })),
      ),
    keepGoing,
  );
}

/**
 * Calls `onPage` with each page of one byCredentialExpiry shard's connection ids whose
 * credential expired before `expiredBefore` (epoch ms), earliest first. `onPage` may delete
 * what it is given (the next page starts after the last key). Returns false when `keepGoing`
 * stopped it before the last page.
 */
export async function forEachExpiredCredentialPage(
  deps: TableDeps,
  shard: number,
  expiredBefore: number,
  onPage: (connectionIds: string[]) => Promise<void>,
  keepGoing: () => boolean = () => true,
): Promise<boolean> {
  // The sort key depends on the time only; any connection id gives the same one.
  const { gsi3sk: before } = credentialExpiryIndexKeys('', expiredBefore);
  return forEachShardPage(
    deps,
    { index: byCredentialExpiryIndex, pk: 'gsi3pk', sk: 'gsi3sk', shard: `EXPIRY#${shard}`, before },
    'connectionId',
    (items) => onPage(items.map((item) => item.connectionId as string)),
    keepGoing,
  );
}

interface ShardRange {
  readonly index: typeof byLastSeenIndex | typeof byCredentialExpiryIndex;
  readonly pk: string;
  readonly sk: string;
  readonly shard: string;
  /** Items whose sort key is below this one. */
  readonly before: string;
}

/** Pages through one shard of a sparse index, in sort key order; false when `keepGoing` stopped it. */
async function forEachShardPage(
  deps: TableDeps,
  range: ShardRange,
  projection: string,
  onPage: (items: Record<string, unknown>[]) => Promise<void>,
  keepGoing: () => boolean,
): Promise<boolean> {
  let startKey: Record<string, unknown> | undefined;
  do {
    if (!keepGoing()) return false;
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        IndexName: range.index,
        KeyConditionExpression: '#pk = :shard AND #sk < :before',
        ExpressionAttributeNames: { '#pk': range.pk, '#sk': range.sk },
        ExpressionAttributeValues: { ':shard': range.shard, ':before': range.before },
        ProjectionExpression: projection,
        Limit: 200,
        ExclusiveStartKey: startKey,
      }),
    );
    await onPage(page.Items ?? []);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return true;
}
