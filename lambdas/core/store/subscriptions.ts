import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { batchDelete } from './batch.ts';
import { epochSeconds, keys } from './keys.ts';
import { countSubscription, registerConnection, uncountSubscription } from './presence-counts.ts';
import { queryPages } from './query-pages.ts';

/** A live subscription: one connection listening to one room. */
export interface Subscriber {
  readonly connectionId: string;
  readonly userId: string;
}

/** A subscription as `subscribe` wrote it. */
export interface Subscribed {
  /** The user had no other live subscription in the room: the room hears `joined`. */
  readonly firstOfUser: boolean;
}

/**
 * Subscribes a connection to a room. The room is first added to the connection's record (so
 * `$disconnect` and pruning find it); a connection whose record is gone is not subscribed
 * (undefined). The subscription is then counted for its user (presence-counts.ts), on the
 * condition that the connection still counts as live: a close that ran between the two writes
 * has uncounted it already, so the subscription it left behind is removed here rather than
 * counted for a connection that is gone.
 */
export async function subscribe(
  deps: TableDeps,
  roomId: string,
  subscriber: Subscriber,
): Promise<Subscribed | undefined> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.connection(subscriber.connectionId),
        UpdateExpression: 'ADD rooms :room',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':room': new Set([roomId]) },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.subscription(roomId, subscriber.connectionId),
        type: 'subscription',
        roomId,
        ...subscriber,
        subscribedAt: deps.now(),
        // Outlives no connection: API Gateway closes every socket within two hours.
        expiresAt: epochSeconds(deps.now()) + deps.config.CONNECTION_TTL_SECONDS,
      },
    }),
  );
  const { userId, connectionId } = subscriber;
  let counted = await countSubscription(deps, userId, roomId, connectionId);
  // Not counted: recorded before the counts existed, or its open stopped between its two
  // writes. A record that is still there is counted now.
  if (counted === 'unregistered' && (await connectionExists(deps, connectionId))) {
    await registerConnection(deps, userId, connectionId);
    counted = await countSubscription(deps, userId, roomId, connectionId);
  }
  if (counted !== 'unregistered') return { firstOfUser: counted === 'first' };
  await deps.db.send(
    new DeleteCommand({ TableName: deps.config.TABLE_NAME, Key: keys.subscription(roomId, connectionId) }),
  );
  return undefined;
}

async function connectionExists(deps: TableDeps, connectionId: string): Promise<boolean> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.connection(connectionId),
      ProjectionExpression: 'expiresAt',
      ConsistentRead: true,
    }),
  );
  return Item !== undefined && (Item.expiresAt as number) > epochSeconds(deps.now());
}

/** A subscription `unsubscribe` removed. */
export interface Unsubscribed {
  /** It was the user's last live subscription in the room: the room hears `left`. */
  readonly lastOfUser: boolean;
}

/**
 * Removes one subscription; `fromConnection: false` when the connection record is gone anyway.
 * Undefined when it was not there. The delete returns the item to one caller only, and that
 * caller uncounts it, so two removers of one subscription move its user's count once.
 */
export async function unsubscribe(
  deps: TableDeps,
  roomId: string,
  connectionId: string,
  fromConnection = true,
): Promise<Unsubscribed | undefined> {
  const { Attributes } = await deps.db.send(
    new DeleteCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.subscription(roomId, connectionId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  if (fromConnection) {
    try {
      await deps.db.send(
        new UpdateCommand({
          TableName: deps.config.TABLE_NAME,
          Key: keys.connection(connectionId),
          UpdateExpression: 'DELETE rooms :room',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':room': new Set([roomId]) },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  if (!Attributes) return undefined;
  return { lastOfUser: await uncountSubscription(deps, Attributes.userId as string, roomId, connectionId) };
}

/** Whether this connection is subscribed to the room (one point read; expired ones count as absent). */
export async function isSubscribed(deps: TableDeps, roomId: string, connectionId: string): Promise<boolean> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.subscription(roomId, connectionId),
      ProjectionExpression: 'expiresAt',
    }),
  );
  return Item !== undefined && (Item.expiresAt as number) > epochSeconds(deps.now());
}

/**
 * Calls `onPage` with each page of a room's live subscribers (a paged Query of one partition,
 * never a Scan). Pages hold up to 1 MB, several thousand subscriptions, so a broadcast to
 * 10,000 connections costs a few reads.
 */
export async function forEachSubscriberPage(
  deps: TableDeps,
  roomId: string,
  onPage: (subscribers: Subscriber[]) => Promise<void>,
): Promise<number> {
  let reads = 0;
  const pages = queryPages(deps, {
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: 'expiresAt > :now',
    ExpressionAttributeValues: { ':pk': keys.subscriptions(roomId), ':now': epochSeconds(deps.now()) },
    ProjectionExpression: 'connectionId, userId',
  });
  for await (const page of pages) {
    reads += 1;
    await onPage(page as unknown as Subscriber[]);
  }
  return reads;
}

export async function listSubscribers(deps: TableDeps, roomId: string): Promise<Subscriber[]> {
  const all: Subscriber[] = [];
  await forEachSubscriberPage(deps, roomId, async (page) => {
    all.push(...page);
  });
  return all;
}

/** Removes every subscription of a room (room deleted), and uncounts each (the caller announces). */
export async function deleteAllSubscriptions(deps: TableDeps, roomId: string): Promise<Subscriber[]> {
  const removed = await listSubscribers(deps, roomId);
  await batchDelete(
    deps,
    removed.map((s) => keys.subscription(roomId, s.connectionId)),
  );
  for (let i = 0; i < removed.length; i += uncountConcurrency) {
    await Promise.all(
      removed
        .slice(i, i + uncountConcurrency)
        .map((s) => uncountSubscription(deps, s.userId, roomId, s.connectionId)),
    );
  }
  return removed;
}

const uncountConcurrency = 8;
