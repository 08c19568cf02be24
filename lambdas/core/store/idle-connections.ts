import type { TableDeps } from '../deps.ts';
import { keys } from './keys.ts';
import { forEachQueryPage } from './query-pages.ts';

/** A connection not seen for a while or with an expired credential, as its last-seen record shows it. */
export interface IdleConnection {
  readonly connectionId: string;
  readonly lastSeenAt: number;
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** When its credential expires, epoch ms (credential-expiry.ts). */
  readonly credentialExpiresAt?: number;
}

/** Which last-seen records a sweep wants: either condition is enough. */
export interface SweepHorizons {
  /** Connections last seen before this (epoch ms). */
  readonly seenBefore: number;
  /** Connections whose credential expired before this (epoch ms). */
  readonly credentialExpiredBefore: number;
}

/**
 * Last-seen records read per page. A record is about 165 bytes (with its user and a credential
 * expiry), so a page is about 165 KB, 20 read units (eventually consistent: 4 KB for half a
 * unit); at 1,000,000 connections a run reads 1,000 pages, about 20,100 units, 16 shards four at a time (tools/cost/sweeper-budget.ts
 * prices it).
 */
const seenPageSize = 1000;

/**
 * Calls `onPage` with each page of one shard's connections last seen before `seenBefore`, or
 * whose credential expired before `credentialExpiredBefore` (or that has no credential expiry:
 * opened before it moved here, for one release). The shard is read whole (a heartbeat moves no key, so the records are in
 * connection id order, not time order) and the rest filtered out by DynamoDB, which bills
 * what it read. `onPage` may refresh or delete what it is given: the next page starts after
 * the last key. Returns false when `keepGoing` stopped it before the last page.
 */
export async function forEachIdleConnectionPage(
  deps: TableDeps,
  shard: number,
  horizons: SweepHorizons,
  onPage: (connections: IdleConnection[]) => Promise<void>,
  keepGoing: () => boolean = () => true,
): Promise<boolean> {
  return forEachQueryPage(
    deps,
    {
      KeyConditionExpression: 'pk = :shard',
      // TRANSITION (credential-expiry.ts, getLegacyCredentialExpiry): a record without an expiry
      // is a connection opened before the expiry moved here; it has to be looked at whole.
      FilterExpression:
        'lastSeenAt < :before OR credentialExpiresAt < :expiredBefore OR attribute_not_exists(credentialExpiresAt)',
      ExpressionAttributeValues: {
        ':shard': keys.seenShard(shard),
        ':before': horizons.seenBefore,
        ':expiredBefore': horizons.credentialExpiredBefore,
      },
      ProjectionExpression: 'connectionId, lastSeenAt, expiresAt, credentialExpiresAt',
      Limit: seenPageSize,
    },
    async (items) => {
      if (items.length === 0) return;
      await onPage(
        items.map((item) => ({
          connectionId: item.connectionId as string,
          lastSeenAt: item.lastSeenAt as number,
          expiresAt: item.expiresAt as number,
          credentialExpiresAt: item.credentialExpiresAt as number | undefined,
        })),
      );
    },
    keepGoing,
  );
}
