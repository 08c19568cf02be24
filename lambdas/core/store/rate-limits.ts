import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config.ts';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { epochSeconds, keys } from './keys.ts';

/**
 * The fixed window every frame of a user is counted in: as long as the per-action burst takes at
 * the steady rate (40 frames at 20 per second: two seconds), so a user may send a whole burst at
 * once and averages the rate over time. In that window a user has `perAction` frames of each
 * limited action and `budget` frames in all (FRAME_BUDGET_PER_SECOND over the window: 60).
 */
export function frameWindow(config: Config) {
  const windowMs = Math.max(
    1000,
    Math.round((config.RATE_LIMIT_BURST / config.RATE_LIMIT_PER_SECOND) * 1000),
  );
  const budget = Math.max(1, Math.round((config.FRAME_BUDGET_PER_SECOND * windowMs) / 1000));
  return { windowMs, budget, perAction: config.RATE_LIMIT_BURST };
}

/**
 * Counts one frame of a user: against the user's budget and, when `action` is given (a valid
 * frame of a limited action), against that action's limit too. One item per user and window
 * holds the total (`frames`) and one count per action, so one conditional update moves both and
 * a frame costs one write; the condition makes the limits hold across Lambda containers.
 * Returns 0 when allowed, else the ms until the window ends (and then nothing was written).
 *
 * A refused update is remembered by this container until the window ends: counts only grow
 * within a window, so the same frame would be refused again, and a flood costs one failed write
 * per user, action and window in each container instead of one per frame.
 *
 * Why a whole write for each allowed frame: only a count every container moves holds the limits
 * across containers, and DynamoDB bills the smallest write one unit. Taking a block of frames in
 * one write pays only for frames of one user in one window that reach the same container (not a
 * chat message a few seconds after the last frame), strands the block's rest away from the
 * user's other containers, and so refuses a busy user below the limit; leaving a window's first
 * frame uncounted lets a flood through once per warm container (docs/cost.md, Rooms).
 */
export async function consumeFrameBudget(deps: TableDeps, userId: string, action?: string): Promise<number> {
  const { windowMs, budget, perAction } = frameWindow(deps.config);
  const now = deps.now();
  const window = Math.floor(now / windowMs);
  const retryAfterMs = (window + 1) * windowMs - now;
  // A refused frame without an action means the budget itself is used up: that refuses all.
  const budgetUsedUp = `${userId}\n`;
  const refusal = `${budgetUsedUp}${action ?? ''}`;
  if (refused.has(window, budgetUsedUp) || refused.has(window, refusal)) return retryAfterMs;
  const names: Record<string, string> = { '#frames': 'frames' };
  const values: Record<string, number> = { ':one': 1, ':budget': budget };
  let update = 'ADD #frames :one';
  let condition = '(attribute_not_exists(#frames) OR #frames < :budget)';
  if (action !== undefined) {
    names['#action'] = `frames:${action}`;
    values[':perAction'] = perAction;
    update = 'ADD #frames :one, #action :one';
    condition += ' AND (attribute_not_exists(#action) OR #action < :perAction)';
  }
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.rateWindow(userId, 'frames', window),
        UpdateExpression: `${update} SET expiresAt = if_not_exists(expiresAt, :expiresAt)`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':expiresAt': epochSeconds(now + windowMs) + 60 },
      }),
    );
    return 0;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    refused.remember(window, refusal);
    return retryAfterMs;
  }
}

/**
 * Counts one request of a user against a cap of `limit` per `windowMs` (`POST /tickets`,
 * `POST /rooms`). Returns 0 when allowed, else the ms until the window ends (nothing written).
 */
export async function consumeUserCap(
  deps: TableDeps,
  userId: string,
  cap: string,
  limit: number,
  windowMs: number,
): Promise<number> {
  const now = deps.now();
  const window = Math.floor(now / windowMs);
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.rateWindow(userId, cap, window),
        UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': limit,
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

/** What this container knows is used up in the current window; forgotten when the window moves on. */
class WindowSet {
  private window = -1;
  private readonly entries = new Set<string>();

  has(window: number, entry: string): boolean {
    return window === this.window && this.entries.has(entry);
  }

  remember(window: number, entry: string): void {
    if (window !== this.window) {
      this.window = window;
      this.entries.clear();
    }
    this.entries.add(entry);
  }
}

const refused = new WindowSet();

/**
 * Pings are counted by each container in memory, against the same budget, and never written:
 * a heartbeat every few minutes per connection must not cost a write, and a ping past the budget
 * writes nothing anyway (its last-seen write is once a minute at most). Returns 0 when allowed,
 * else the ms until the window ends.
 */
export function consumePingBudget(config: Config, now: number, userId: string): number {
  const { windowMs, budget } = frameWindow(config);
  const window = Math.floor(now / windowMs);
  if (window !== pings.window) {
    pings.window = window;
    pings.counts.clear();
  }
  const used = pings.counts.get(userId) ?? 0;
  if (used >= budget) return (window + 1) * windowMs - now;
  pings.counts.set(userId, used + 1);
  return 0;
}

const pings = { window: -1, counts: new Map<string, number>() };
