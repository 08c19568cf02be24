import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { keys } from './keys.ts';
import { queryAll } from './query-pages.ts';

/** A user the blocker blocks. */
export interface Block {
  readonly blocked: string;
  /** Epoch ms. */
  readonly blockedAt: number;
}

export type AddBlockOutcome =
  | { readonly outcome: 'added' | 'already'; readonly count: number }
  | { readonly outcome: 'limit' };

/**
 * True when `userId` blocks `senderId`: one GetItem, the check on every direct message. Strongly
 * consistent, so that a send right after the `block` reply is already dropped.
 */
export async function isBlocked(deps: TableDeps, userId: string, senderId: string): Promise<boolean> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.block(userId, senderId),
      ProjectionExpression: 'pk',
      ConsistentRead: true,
    }),
  );
  return Item !== undefined;
}

/**
 * Records a block. The count is reserved first with a conditional ADD, so that `max` holds under
 * concurrent blocks; a block that already exists (found first, or by a concurrent block) gives
 * its reservation back, so blocking twice counts once. A count that drifted (a crash between
 * the two writes) is recounted when it says the list is full.
 */
export async function addBlock(
  deps: TableDeps,
  userId: string,
  blockedId: string,
  max: number,
): Promise<AddBlockOutcome> {
  if (await isBlocked(deps, userId, blockedId))
    return { outcome: 'already', count: await countBlocks(deps, userId) };
  let count = await reserveBlock(deps, userId, max);
  if (count === undefined && (await recountBlocks(deps, userId)) < max)
    count = await reserveBlock(deps, userId, max);
  if (count === undefined) return { outcome: 'limit' };
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: { ...keys.block(userId, blockedId), type: 'block', blocked: blockedId, blockedAt: deps.now() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { outcome: 'added', count };
  } catch (error) {
    const count = await addToBlockCount(deps, userId, -1);
    if (isConditionFailed(error)) return { outcome: 'already', count };
    throw error;
  }
}

/** Removes a block; returns whether there was one, and the count after. */
export async function removeBlock(
  deps: TableDeps,
  userId: string,
  blockedId: string,
): Promise<{ removed: boolean; count: number }> {
  const { Attributes } = await deps.db.send(
    new DeleteCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.block(userId, blockedId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  if (!Attributes) return { removed: false, count: await countBlocks(deps, userId) };
  return { removed: true, count: await addToBlockCount(deps, userId, -1) };
}

/** How many users `userId` blocks (the count item; 0 when there is none). */
export async function countBlocks(deps: TableDeps, userId: string): Promise<number> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.blocksMeta(userId), ConsistentRead: true }),
  );
  return Math.max(0, (Item?.count as number | undefined) ?? 0);
}

/** A page of the users `userId` blocks, in user id order, starting after `after`. */
export async function listBlocks(
  deps: TableDeps,
  userId: string,
  options: { limit: number; after?: string },
): Promise<{ items: Block[]; more: boolean }> {
  const items: Block[] = [];
  let startKey = options.after === undefined ? undefined : keys.block(userId, options.after);
  do {
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :block)',
        ExpressionAttributeValues: { ':pk': keys.blocksPartition(userId), ':block': keys.blockSortPrefix },
        // One more than asked tells whether there is more.
        Limit: options.limit + 1 - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) items.push({ blocked: item.blocked, blockedAt: item.blockedAt });
    startKey = page.LastEvaluatedKey as typeof startKey;
  } while (startKey && items.length <= options.limit);
  return { items: items.slice(0, options.limit), more: items.length > options.limit || Boolean(startKey) };
}

/** Takes one place in the count unless it is full; returns the count after, or undefined when full. */
async function reserveBlock(deps: TableDeps, userId: string, max: number): Promise<number | undefined> {
  try {
    const { Attributes } = await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.blocksMeta(userId),
        UpdateExpression: 'ADD #count :one',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':max': max },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Attributes?.count as number;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

async function addToBlockCount(deps: TableDeps, userId: string, delta: number): Promise<number> {
  const { Attributes } = await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.blocksMeta(userId),
      UpdateExpression: 'ADD #count :delta',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':delta': delta },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Math.max(0, Attributes?.count as number);
}

/** Counts the block items for real and writes the count (at most `maxBlocks` small items). */
async function recountBlocks(deps: TableDeps, userId: string): Promise<number> {
  const items = await queryAll(deps, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :block)',
    ExpressionAttributeValues: { ':pk': keys.blocksPartition(userId), ':block': keys.blockSortPrefix },
    ProjectionExpression: 'sk',
  });
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.blocksMeta(userId),
      UpdateExpression: 'SET #count = :count',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':count': items.length },
    }),
  );
  return items.length;
}
