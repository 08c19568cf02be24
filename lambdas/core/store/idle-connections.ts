import type { TableDeps } from '../deps.ts';
import { credentialExpiryIndexKeys } from './connections.ts';
import { byCredentialExpiryIndex, keys } from './keys.ts';
import { forEachQueryPage } from './query-pages.ts';

/** A connection not seen for a while, as its last-seen record shows it. */
export interface IdleConnection {
  readonly connectionId: string;
  readonly lastSeenAt: number;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/**
 * Last-seen records read per page. A record is about 100 bytes, so a page is about 100 KB, 12.5
 * read units (eventually consistent: 4 KB for half a unit); at 1,000,000 connections a run reads
 * 1,000 pages, about 12,200 units, 16 shards four at a time (tools/cost/sweeper-budget.ts
 * prices it).
 */
const seenPageSize = 1000;

/**
 * Calls `onPage` with each page of one shard's connections last seen before `seenBefore`
 * (epoch ms). The shard is read whole (a heartbeat moves no key, so the records are in
 * connection id order, not time order) and the rest filtered out by DynamoDB, which bills
 * what it read. `onPage` may refresh or delete what it is given: the next page starts after
 * the last key. Returns false when `keepGoing` stopped it before the last page.
 */
export async function forEachIdleConnectionPage(
  deps: TableDeps,
  shard: number,
  seenBefore: number,
  onPage: (connections: IdleConnection[]) => Promise<void>,
  keepGoing: () => boolean = () => true,
): Promise<boolean> {
  return forEachQueryPage(
    deps,
    {
      KeyConditionExpression: 'pk = :shard',
      FilterExpression: 'lastSeenAt < :before',
      ExpressionAttributeValues: { ':shard': keys.seenShard(shard), ':before': seenBefore },
      ProjectionExpression: 'connectionId, lastSeenAt, expiresAt',
      Limit: seenPageSize,
    },
    async (items) => {
      if (items.length === 0) return;
      await onPage(
        items.map((item) => ({
          connectionId: item.connectionId as string,
          lastSeenAt: item.lastSeenAt as number,
          expiresAt: item.expiresAt as number,
        })),
      );
    },
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
  return forEachQueryPage(
    deps,
    {
      IndexName: byCredentialExpiryIndex,
      KeyConditionExpression: 'gsi3pk = :shard AND gsi3sk < :before',
      ExpressionAttributeValues: { ':shard': `EXPIRY#${shard}`, ':before': before },
      ProjectionExpression: 'connectionId',
      Limit: 200,
    },
    (items) => onPage(items.map((item) => item.connectionId as string)),
    keepGoing,
  );
}
