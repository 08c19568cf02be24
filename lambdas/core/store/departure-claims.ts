import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { epochSeconds, keys } from './keys.ts';

/** Longer than a queue record can come back (retries, then the dead-letter queue's redrive). */
const claimTtlSeconds = 14 * 24 * 3600;

/**
 * Claims the announcement of one connection's departure in one room: true for the first
 * caller only, so a departure record that SQS delivers again (a retry after a partial failure,
 * or at-least-once delivery) announces each room once. A connection departs once, so its id
 * names the departure.
 */
export async function claimDeparture(
  deps: TableDeps,
  connectionId: string,
  roomId: string,
): Promise<boolean> {
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: {
          ...keys.departureClaim(connectionId, roomId),
          type: 'departure-claim',
          expiresAt: epochSeconds(deps.now()) + claimTtlSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
