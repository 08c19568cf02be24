import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { AppError, isConditionFailed } from '../errors.ts';
import { batchDelete } from './batch.ts';
import { epochSeconds, keys } from './keys.ts';
import { queryAll } from './query-pages.ts';

/** A direct message or notification waiting for the user's `ack`. */
export interface InboxEntry {
  readonly messageId: string;
  /** The serialized server frame, pushed as is on delivery and on `sync`. */
  readonly frame: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** The user who sent a direct message (notifications have none): counted per sender. */
  readonly sender?: string;
}

/**
 * Stores an entry and keeps the inbox within INBOX_MAX. Putting the same message id again
 * overwrites the entry, which makes retries safe. A counter item per inbox tells when to trim,
 * so a write never has to count the inbox; the count happens only when the counter says full.
 *
 * A direct message (an entry with a `sender`) first takes a place in its sender's share of the
 * inbox, INBOX_MAX_PER_SENDER, with a conditional ADD, so the share holds under concurrent sends;
 * a full share throws INBOX_FULL and writes nothing. (The service checks the share before it
 * writes anything at all; this is what holds when concurrent sends passed that check together.)
 */
export async function putInboxEntry(deps: TableDeps, userId: string, entry: InboxEntry): Promise<void> {
  const { TABLE_NAME: TableName, INBOX_MAX, INBOX_MAX_PER_SENDER } = deps.config;
  const { sender } = entry;
  if (sender !== undefined && !(await reserveSenderPlace(deps, userId, sender, entry.expiresAt))) {
    throw inboxFull(INBOX_MAX_PER_SENDER);
  }
  let old: Record<string, unknown> | undefined;
  let count: number;
  try {
    // The entry and its count are written at once (one round trip, not two): the counter only
    // tells when to count for real, and a trim corrects it.
    const [put, meta] = await Promise.all([
      deps.db.send(
        new PutCommand({
          TableName,
          Item: { ...keys.inboxMessage(userId, entry.messageId), type: 'inbox', ...entry },
          ReturnValues: 'ALL_OLD',
        }),
      ),
      deps.db.send(
        new UpdateCommand({
          TableName,
          Key: keys.inboxMeta(userId),
          UpdateExpression: 'ADD #count :one',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    ]);
    old = put.Attributes;
    count = meta.Attributes?.count as number;
  } catch (error) {
    if (sender !== undefined) await addToSenderCount(deps, userId, sender, -1);
    throw error;
  }
  // Overwriting an entry already there (a retry) gives the place back: each entry counts once.
  if (old && sender !== undefined) await addToSenderCount(deps, userId, sender, -1);
  if (count > INBOX_MAX) await trimInbox(deps, userId, count);
}

/** INBOX_FULL: the sender already holds `max` unacknowledged messages in the recipient's inbox. */
export const inboxFull = (max: number): AppError =>
  new AppError('INBOX_FULL', `the recipient holds ${max} unacknowledged messages from you`, { max });

/** Entries oldest first, skipping those past their expiry (TTL deletes late). */
export async function listInbox(
  deps: TableDeps,
  userId: string,
  limit: number,
): Promise<{ entries: InboxEntry[]; more: boolean }> {
  const entries: InboxEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: {
          ':pk': keys.inboxPartition(userId),
          ':msg': 'MSG#',
          ':now': epochSeconds(deps.now()),
        },
        // One more than asked tells whether there is more.
        Limit: limit + 1 - entries.length,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      entries.push({ messageId: item.messageId, frame: item.frame, expiresAt: item.expiresAt });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && entries.length <= limit);
  return { entries: entries.slice(0, limit), more: entries.length > limit || Boolean(startKey) };
}

/** Deletes the named entries; returns how many were there. */
export async function deleteInboxEntries(
  deps: TableDeps,
  userId: string,
  messageIds: readonly string[],
): Promise<number> {
  const deleted = await Promise.all(
    messageIds.map(async (id) => {
      const { Attributes } = await deps.db.send(
        new DeleteCommand({
          TableName: deps.config.TABLE_NAME,
          Key: keys.inboxMessage(userId, id),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes as { sender?: string; expiresAt: number } | undefined;
    }),
  );
  const gone = deleted.filter((entry) => entry !== undefined);
  if (gone.length > 0) {
    await Promise.all([addToCounter(deps, userId, -gone.length), releaseSenderCounts(deps, userId, gone)]);
  }
  return gone.length;
}

/**
 * What one sender holds in a user's inbox, by the sender's counter item: `count` entries, none of
 * which expires before `checkAfter` (epoch seconds; absent when the count was never written).
 */
export async function getSenderCount(
  deps: TableDeps,
  userId: string,
  senderId: string,
): Promise<{ count: number; checkAfter?: number }> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.inboxSender(userId, senderId),
      ConsistentRead: true,
    }),
  );
  return {
    count: (Item?.count as number | undefined) ?? 0,
    checkAfter: Item?.checkAfter as number | undefined,
  };
}

/**
 * Counts a sender's live entries in a user's inbox for real and writes the count: the repair of
 * a counter that entries passing their expiry (TTL deletes late, and decrements nothing) or a
 * failed write left too high. It reads the whole inbox (at most INBOX_MAX entries plus expired
 * ones), so callers run it only when the counter says full and an entry may have expired since.
 */
export async function recountSender(deps: TableDeps, userId: string, senderId: string): Promise<number> {
  const found = (await queryAll(deps, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
    FilterExpression: '#sender = :sender AND expiresAt > :now',
    ExpressionAttributeNames: { '#sender': 'sender' },
    ExpressionAttributeValues: {
      ':pk': keys.inboxPartition(userId),
      ':msg': 'MSG#',
      ':sender': senderId,
      ':now': epochSeconds(deps.now()),
    },
    ProjectionExpression: 'expiresAt',
  })) as { expiresAt: number }[];
  const firstExpiry = Math.min(...found.map((e) => e.expiresAt));
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.inboxSender(userId, senderId),
      UpdateExpression:
        found.length > 0 ? 'SET #count = :count, checkAfter = :at' : 'SET #count = :count REMOVE checkAfter',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues:
        found.length > 0 ? { ':count': found.length, ':at': firstExpiry } : { ':count': 0 },
    }),
  );
  return found.length;
}

/**
 * Counts the inbox for real (the counter drifts: TTL deletes do not decrement it), drops
 * expired entries and then the oldest until INBOX_MAX remain, and corrects the counter.
 */
async function trimInbox(deps: TableDeps, userId: string, counterSeen: number): Promise<void> {
  const all = (await queryAll(deps, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
    ExpressionAttributeValues: { ':pk': keys.inboxPartition(userId), ':msg': 'MSG#' },
    ExpressionAttributeNames: { '#sender': 'sender' },
    ProjectionExpression: 'sk, expiresAt, #sender',
  })) as { sk: string; expiresAt: number; sender?: string }[];

  const now = epochSeconds(deps.now());
  const expired = all.filter((e) => e.expiresAt <= now);
  const live = all.filter((e) => e.expiresAt > now); // oldest first: sk sorts by message id
  const excess = Math.max(0, live.length - deps.config.INBOX_MAX);
  const doomed = [...expired, ...live.slice(0, excess)];
  await batchDelete(
    deps,
    doomed.map((e) => ({ pk: keys.inboxPartition(userId), sk: e.sk })),
  );
  await addToCounter(deps, userId, all.length - doomed.length - counterSeen);
  await releaseSenderCounts(deps, userId, live.slice(0, excess));
}

async function addToCounter(deps: TableDeps, userId: string, delta: number): Promise<void> {
  if (delta === 0) return;
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.inboxMeta(userId),
      UpdateExpression: 'ADD #count :delta',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':delta': delta },
    }),
  );
}

/**
 * Takes deleted entries off their senders' counts. Only entries still live count: one past its
 * expiry may already be out of the count (a recount leaves it out), and if not, the recount that
 * its expiry allows takes it out.
 */
async function releaseSenderCounts(
  deps: TableDeps,
  userId: string,
  entries: readonly { sender?: string; expiresAt: number }[],
): Promise<void> {
  const now = epochSeconds(deps.now());
  const bySender = new Map<string, number>();
  for (const { sender, expiresAt } of entries) {
    if (sender !== undefined && expiresAt > now) bySender.set(sender, (bySender.get(sender) ?? 0) + 1);
  }
  await Promise.all([...bySender].map(([sender, n]) => addToSenderCount(deps, userId, sender, -n)));
}

/** ADD to a sender's count (negative: places given back). */
async function addToSenderCount(
  deps: TableDeps,
  userId: string,
  senderId: string,
  delta: number,
): Promise<void> {
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.inboxSender(userId, senderId),
      UpdateExpression: 'ADD #count :delta',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':delta': delta },
    }),
  );
}

/**
 * Takes one place in the sender's share unless it is full. The first entry counted sets
 * `checkAfter` to its expiry: entries expire in the order they were sent, so no counted entry
 * expires before it, and until then a full count needs no recount.
 */
async function reserveSenderPlace(
  deps: TableDeps,
  userId: string,
  senderId: string,
  expiresAt: number,
): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.inboxSender(userId, senderId),
        UpdateExpression: 'ADD #count :one SET checkAfter = if_not_exists(checkAfter, :at)',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':at': expiresAt, ':max': deps.config.INBOX_MAX_PER_SENDER },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Whether the entry is still in the user's inbox (not acknowledged, trimmed or expired). */
export async function hasInboxEntry(deps: TableDeps, userId: string, messageId: string): Promise<boolean> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.inboxMessage(userId, messageId),
      ProjectionExpression: 'pk',
    }),
  );
  return Item !== undefined;
}
