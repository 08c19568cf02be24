import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { keys } from './keys.ts';

/**
 * Moves a user's read cursor in a room forward to `upTo` (within the room's epoch). It never
 * moves backwards: the condition refuses a lower value. Returns the cursor as it now stands.
 */
export async function advanceReadCursor(
  deps: TableDeps,
  input: { roomId: string; userId: string; epoch: number; upTo: number },
): Promise<number> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.readCursor(input.roomId, input.userId),
        UpdateExpression: 'SET upTo = :upTo, epoch = :epoch, #type = :type, updatedAt = :now',
        // A cursor of an earlier epoch counts as absent: the room started over.
        ConditionExpression: 'attribute_not_exists(pk) OR epoch <> :epoch OR upTo < :upTo',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':upTo': input.upTo,
          ':epoch': input.epoch,
          ':type': 'readCursor',
          ':now': deps.now(),
        },
      }),
    );
    return input.upTo;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return getReadCursor(deps, input.roomId, input.userId, input.epoch);
  }
}

/** The user's cursor in this life of the room; 0 when they have read nothing. */
export async function getReadCursor(
  deps: TableDeps,
  roomId: string,
  userId: string,
  epoch: number,
): Promise<number> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.readCursor(roomId, userId),
      ConsistentRead: true,
    }),
  );
  return Item && Item.epoch === epoch ? (Item.upTo as number) : 0;
}
