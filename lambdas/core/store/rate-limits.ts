import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { epochSeconds, keys } from './keys.ts';

/**
 * Counts one frame of a user's action against a fixed window. The window is as long as the
 * burst takes at the steady rate (40 frames at 20 per second: two seconds), so a user may send
 * the whole burst at once and averages the rate over time. The conditional increment makes the
 * limit hold across Lambda containers. Returns 0 when allowed, else the ms until the window ends.
 */
export async function consumeRateLimit(deps: TableDeps, userId: string, action: string): Promise<number> {
  const { RATE_LIMIT_PER_SECOND: rate, RATE_LIMIT_BURST: burst } = deps.config;
  const windowMs = Math.max(1000, Math.round((burst / rate) * 1000));
  const now = deps.now();
  const window = Math.floor(now / windowMs);
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.rateWindow(userId, action, window),
        UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :burst',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':burst': burst,
          ':expiresAt': epochSeconds(now + windowMs) + 60,
        },
      }),
    );
    return 0;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return (window + 1) * windowMs - now;
  }
}
