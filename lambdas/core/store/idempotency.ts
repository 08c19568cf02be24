import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sleep } from '../backoff.ts';
import type { TableDeps } from '../deps.ts';
import { AppError, isConditionFailed } from '../errors.ts';
import { newMessageId } from '../ids.ts';
import { epochSeconds, type IdempotencyScope, keys } from './keys.ts';

/** What the first attempt of an idempotent operation produced (or, while it runs, reserved). */
export interface IdempotentResult {
  readonly messageId: string;
  readonly ts: number;
  /**
   * The room seq of a publish. On a done key, the seq it was stored with; on a pending key, the
   * seq its owner reserved and may have written (see `reserveIdempotentSeq`).
   */
  readonly seq?: number;
}

/**
 * How long an attempt may hold a key: the Lambda timeout of the functions that use it
 * (lib/manifest.ts: `send` and `publish` 10 s, `notify` 60 s, `post-messages` 10 s) plus a
 * margin for a request still in flight when the function is stopped. Only after this may a
 * retry take the key over and redo the work; a unit test holds these against the manifest.
 */
export const idempotencyLeaseMs = { send: 15_000, publish: 15_000, notify: 75_000 } as const;

/** How long a retry waits for a running attempt: well inside the 10 s of a WebSocket route. */
export const defaultIdempotencyWaitMs = 5_000;

/** The polling steps of that wait; the last one repeats. */
const pollStepsMs = [25, 50, 100, 200, 400, 800, 1000];

export interface AcquireOptions {
  /** The lease an owner gets; see `idempotencyLeaseMs`. */
  readonly leaseMs: number;
  /** @default defaultIdempotencyWaitMs */
  readonly waitMs?: number;
}

export type Acquired =
  /**
   * This attempt owns the key: do the work, then `completeIdempotencyKey` with `owner`.
   * `takeover`: an earlier attempt's lease ran out before it finished; `result` is its identity
   * (and the seq it reserved), so the work is redone under the same message id.
   */
  | {
      readonly state: 'owner';
      readonly result: IdempotentResult;
      readonly owner: string;
      readonly takeover: boolean;
    }
  /** An earlier attempt finished: answer with its result, do nothing else. */
  | { readonly state: 'done'; readonly result: IdempotentResult }
  /**
   * An earlier attempt still holds a live lease after the whole wait. Nothing may be redone
   * yet; `retryAfterMs` is when asking again is worthwhile.
   */
  | { readonly state: 'busy'; readonly result: IdempotentResult; readonly retryAfterMs: number };

/**
 * A key another attempt still runs under, for callers that must fail transiently rather than
 * answer (a queue record thrown back comes again later; an AppError would dead-letter it).
 */
export class IdempotencyKeyBusyError extends Error {
  constructor(
    readonly retryAfterMs: number,
    readonly result: IdempotentResult,
  ) {
    super(`An earlier attempt with this id is still running; retry in ${retryAfterMs} ms`);
    this.name = 'IdempotencyKeyBusyError';
  }
}

/** The item's key: the one place that builds it. */
const itemKey = (scope: IdempotencyScope, key: string) => keys.idempotency(scope, key);

type Item = Record<string, unknown>;

const resultOf = (item: Item): IdempotentResult => ({
  messageId: item.messageId as string,
  ts: item.ts as number,
  ...(typeof item.seq === 'number' ? { seq: item.seq } : {}),
});

/**
 * Acquires an idempotency key (`scope` is the user and action, or the service for
 * notifications). Three outcomes, decided by conditional writes only (no transactions):
 * - the key is new (or past its 24 hours): a conditional put makes this attempt its owner,
 *   with a lease of `leaseMs`;
 * - the key is done: its result;
 * - the key is pending: this retry waits, polling, for the owner to finish. The work is never
 *   redone while the owner's lease is live; once it has run out, one retry takes the key over
 *   with an update conditional on the old owner token, so exactly one taker wins.
 */
export async function acquireIdempotencyKey(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  proposed: IdempotentResult,
  options: AcquireOptions,
): Promise<Acquired> {
  const waitUntil = Date.now() + (options.waitMs ?? defaultIdempotencyWaitMs);
  let item = await putOrRead(deps, scope, key, proposed, options.leaseMs);
  for (let poll = 0; ; poll += 1) {
    if ('owner' in item) return item.owner;
    const existing = item.existing;
    if (existing.status === 'done') return { state: 'done', result: resultOf(existing) };
    const leaseUntil = leaseEndOf(existing, options.leaseMs);
    if (leaseUntil <= deps.now()) {
      const owner = await takeOver(deps, scope, key, existing, options.leaseMs);
      if (owner) return { state: 'owner', result: resultOf(existing), owner, takeover: true };
    } else if (Date.now() >= waitUntil) {
      const retryAfterMs = Math.max(100, Math.min(1000, leaseUntil - deps.now()));
      return { state: 'busy', result: resultOf(existing), retryAfterMs };
    } else {
      const stepMs = pollStepsMs[Math.min(poll, pollStepsMs.length - 1)] ?? 1000;
      await sleep(Math.min(stepMs, Math.max(0, waitUntil - Date.now())));
    }
    const found = await readLive(deps, scope, key);
    item = found ? { existing: found } : await putOrRead(deps, scope, key, proposed, options.leaseMs);
  }
}

type Claimed = { owner: Acquired & { state: 'owner' } } | { existing: Item };

/** The conditional put of a first attempt, or the item that made it fail. */
async function putOrRead(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  proposed: IdempotentResult,
  leaseMs: number,
): Promise<Claimed> {
  for (;;) {
    const owner = randomUUID();
    const now = deps.now();
    try {
      await deps.db.send(
        new PutCommand({
          TableName: deps.config.TABLE_NAME,
          Item: {
            ...itemKey(scope, key),
            type: 'idempotency',
            status: 'pending',
            ...proposed,
            owner,
            leaseUntil: now + leaseMs,
            expiresAt: epochSeconds(now) + deps.config.IDEMPOTENCY_TTL_SECONDS,
          },
          // An expired key that TTL has not removed yet counts as absent.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': epochSeconds(now) },
        }),
      );
      return { owner: { state: 'owner', result: proposed, owner, takeover: false } };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const existing = await readLive(deps, scope, key);
    if (existing) return { existing };
    // Removed between the put and the read: try to be first again.
  }
}

/** The key's item, unless it is past its 24 hours. */
async function readLive(deps: TableDeps, scope: IdempotencyScope, key: string): Promise<Item | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: itemKey(scope, key), ConsistentRead: true }),
  );
  if (!Item || (Item.expiresAt as number) < epochSeconds(deps.now())) return undefined;
  return Item;
}

/** An item written before leases existed has none: its lease is counted from its `ts`. */
const leaseEndOf = (item: Item, leaseMs: number): number =>
  typeof item.leaseUntil === 'number' ? item.leaseUntil : (item.ts as number) + leaseMs;

/** Takes over a pending key whose lease ran out; undefined when another attempt moved first. */
async function takeOver(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  existing: Item,
  leaseMs: number,
): Promise<string | undefined> {
  const owner = randomUUID();
  const hadOwner = typeof existing.owner === 'string';
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: itemKey(scope, key),
        UpdateExpression: 'SET #owner = :owner, leaseUntil = :leaseUntil',
        ConditionExpression: hadOwner
          ? '#status = :pending AND #owner = :old'
          : '#status = :pending AND attribute_not_exists(#owner)',
        ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
        ExpressionAttributeValues: {
          ':owner': owner,
          ':leaseUntil': deps.now() + leaseMs,
          ':pending': 'pending',
          ...(hadOwner ? { ':old': existing.owner } : {}),
        },
      }),
    );
    return owner;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** The key was taken over (its owner outlived its lease): this attempt must stop writing. */
export class IdempotencyOwnershipLostError extends Error {
  constructor() {
    super('The idempotency key was taken over by a later attempt');
    this.name = 'IdempotencyOwnershipLostError';
  }
}

/**
 * Records on the key the room seq its owner is about to write, before it writes it: an
 * attempt writes history only at the seq its key names, so a taker knows the one slot where
 * a dead attempt may have stored the message. Throws IdempotencyOwnershipLostError when the
 * key is no longer this owner's.
 */
export async function reserveIdempotentSeq(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  owner: string,
  seq: number,
): Promise<void> {
  const owned = await updateAsOwner(deps, scope, key, owner, 'SET seq = :seq', { ':seq': seq }, true);
  if (!owned) throw new IdempotencyOwnershipLostError();
}

/**
 * Marks the key done, if this attempt still owns it; `seq` is the room seq a publish was
 * stored with. False when a taker owns it now (it completes the key itself).
 */
export async function completeIdempotencyKey(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  owner: string,
  outcome: { seq?: number } = {},
): Promise<boolean> {
  const withSeq = outcome.seq !== undefined;
  return updateAsOwner(
    deps,
    scope,
    key,
    owner,
    withSeq ? 'SET #status = :done, seq = :seq' : 'SET #status = :done',
    { ':done': 'done', ...(withSeq ? { ':seq': outcome.seq } : {}) },
    false,
  );
}

/**
 * Ends the owner's lease early, after its attempt failed before it completed: the client's
 * retry then takes the key over at once instead of waiting out the lease. Best effort: when
 * it fails, the lease simply runs out.
 */
export async function releaseIdempotencyKey(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  owner: string,
): Promise<void> {
  try {
    await updateAsOwner(deps, scope, key, owner, 'SET leaseUntil = :zero', { ':zero': 0 }, true);
  } catch {
    // The lease runs out by itself.
  }
}

/**
 * Deletes a key this attempt owns and refused to act on (the send was refused before it stored
 * anything), so that a refusal leaves nothing behind and a later retry starts afresh. Best
 * effort: a key left pending is released by its lease.
 */
export async function forgetIdempotencyKey(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  owner: string,
): Promise<void> {
  try {
    await deps.db.send(
      new DeleteCommand({
        TableName: deps.config.TABLE_NAME,
        Key: itemKey(scope, key),
        ...ownedBy(owner, true),
      }),
    );
  } catch {
    // The lease runs out by itself.
  }
}

/**
 * The condition that `owner` still holds the key (and, with `pendingOnly`, that it is not done),
 * with the names and values it needs and any `values` the caller's expression adds.
 */
function ownedBy(owner: string, pendingOnly: boolean, values: Record<string, unknown> = {}) {
  return {
    ConditionExpression: pendingOnly ? '#owner = :owner AND #status = :pending' : '#owner = :owner',
    // Every caller names `#status`: in the condition, or (completing) in its update.
    ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
    ExpressionAttributeValues: {
      ...values,
      ':owner': owner,
      ...(pendingOnly ? { ':pending': 'pending' } : {}),
    },
  };
}

/**
 * Applies `update` to the key only while `owner` holds it (and, with `pendingOnly`, while it is
 * not done yet); false when the condition failed, that is when a taker owns the key now.
 */
async function updateAsOwner(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string,
  owner: string,
  update: string,
  values: Record<string, unknown>,
  pendingOnly: boolean,
): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: itemKey(scope, key),
        UpdateExpression: update,
        ...ownedBy(owner, pendingOnly, values),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** A message's identity: `fresh` without a key, else what acquiring the key gave. */
export type MessageIdentity = { readonly state: 'fresh'; readonly result: IdempotentResult } | Acquired;

/**
 * The identity of a new message: a fresh id and time without `key`, else the key acquired
 * (`acquireIdempotencyKey`) with a fresh identity proposed for it.
 */
export async function claimMessageIdentity(
  deps: TableDeps,
  scope: IdempotencyScope,
  key: string | undefined,
  options: AcquireOptions,
): Promise<MessageIdentity> {
  const now = deps.now();
  const fresh = { messageId: newMessageId(now), ts: now };
  if (!key) return { state: 'fresh', result: fresh };
  return acquireIdempotencyKey(deps, scope, key, fresh, options);
}

/** The reply to a frame whose key is busy: RATE_LIMITED, which clients retry after `retryAfterMs`. */
export const idempotencyKeyBusy = (retryAfterMs: number): AppError =>
  new AppError(
    'RATE_LIMITED',
    `An earlier attempt with this id is still running; retry in ${retryAfterMs} ms`,
    {
      retryAfterMs,
    },
  );
