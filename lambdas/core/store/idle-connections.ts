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
  let startKey: Record<string, unknown> | undefined;
  do {
    if (!keepGoing()) return false;
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        IndexName: byLastSeenIndex,
        KeyConditionExpression: 'gsi2pk = :shard AND gsi2sk < :before',
        ExpressionAttributeValues: { ':shard': `SWEEP#${shard}`, ':before': before },
        ProjectionExpression: 'connectionId, lastSeenAt, expiresAt',
        Limit: 200,
        ExclusiveStartKey: startKey,
      }),
    );
    await onPage((page.Items ?? []) as IdleConnection[]);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return true;
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
  let startKey: Record<string, unknown> | undefined;
  do {
    if (!keepGoing()) return false;
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        IndexName: byCredentialExpiryIndex,
        KeyConditionExpression: 'gsi3pk = :shard AND gsi3sk < :before',
        ExpressionAttributeValues: { ':shard': `EXPIRY#${shard}`, ':before': before },
        ProjectionExpression: 'connectionId',
        Limit: 200,
        ExclusiveStartKey: startKey,
      }),
    );
    await onPage((page.Items ?? []).map((item) => item.connectionId as string));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return true;
}
