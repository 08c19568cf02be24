import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { newMessageId } from '../ids.ts';
import { epochSeconds, type IdempotencyScope, keys } from './keys.ts';

/** What the first attempt of an idempotent operation produced. */
export interface IdempotentResult {
  readonly messageId: string;
  readonly ts: number;
  /** The room seq a publish was stored with (set when its key completes). */
  readonly seq?: number;
}

export type Claim =
  /** First time this key is seen: do the work, then `completeClaim`. */
  | { readonly state: 'new'; readonly result: IdempotentResult }
  /** An earlier attempt finished: answer with its result, do nothing else. */
  | { readonly state: 'done'; readonly result: IdempotentResult }
  /**
   * An earlier attempt started and has not finished (it crashed, or runs right now): redo the
   * work with the same message id. Writes keyed by that id are idempotent and clients drop
   * duplicate deliveries by id, so redoing can only repeat a delivery, never lose one.
   */
  | { readonly state: 'pending'; readonly result: IdempotentResult };

/**
 * Claims an idempotency key (`scope` is the user, or the service for notifications). The
 * conditional put decides which attempt is first without a transaction.
 */
export async function claimIdempotencyKey(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  proposed: IdempotentResult,
): Promise<Claim> {
  const Key = keys.idempotency(scope, key);
  const expiresAt = epochSeconds(deps.now()) + deps.config.IDEMPOTENCY_TTL_SECONDS;
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: { ...Key, type: 'idempotency', status: 'pending', ...proposed, expiresAt },
        // An expired key that TTL has not removed yet counts as absent.
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': epochSeconds(deps.now()) },
      }),
    );
    return { state: 'new', result: proposed };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key, ConsistentRead: true }),
  );
  if (!Item) return claimIdempotencyKey(deps, scope, key, proposed);
  const result: IdempotentResult = {
    messageId: Item.messageId as string,
    ts: Item.ts as number,
    ...(typeof Item.seq === 'number' ? { seq: Item.seq } : {}),
  };
  return { state: Item.status === 'done' ? 'done' : 'pending', result };
}

/** Marks the key done; `outcome.seq` keeps a publish's room seq for the retries' replies. */
export async function completeIdempotencyKey(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  outcome: { seq?: number } = {},
): Promise<void> {
  const withSeq = outcome.seq !== undefined;
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.idempotency(scope, key),
      UpdateExpression: withSeq ? 'SET #status = :done, seq = :seq' : 'SET #status = :done',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: withSeq ? { ':done': 'done', ':seq': outcome.seq } : { ':done': 'done' },
    }),
  );
}

/**
 * The identity of a new message: a fresh id and time, or, when `key` repeats an earlier
 * attempt, that attempt's. `done` says the earlier attempt finished and nothing is to be redone.
 */
export async function claimMessageIdentity(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string | undefined,
): Promise<{ result: IdempotentResult; done: boolean }> {
  const now = deps.now();
  const fresh = { messageId: newMessageId(now), ts: now };
  if (!key) return { result: fresh, done: false };
  const claim = await claimIdempotencyKey(deps, scope, key, fresh);
  return { result: claim.result, done: claim.state === 'done' };
}
