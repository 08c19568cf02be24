import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
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
}

/**
 * Stores an entry and keeps the inbox within INBOX_MAX. Putting the same message id again
 * overwrites the entry, which makes retries safe. A counter item per inbox tells when to trim,
 * so a write never has to count the inbox; the count happens only when the counter says full.
 */
export async function putInboxEntry(deps: TableDeps, userId: string, entry: InboxEntry): Promise<void> {
  const { TABLE_NAME: TableName, INBOX_MAX } = deps.config;
  // The entry and its count are written at once (one round trip, not two): the counter only
  // tells when to count for real, and a trim corrects it.
  const [, { Attributes }] = await Promise.all([
    deps.db.send(
      new PutCommand({
        TableName,
        Item: { ...keys.inboxMessage(userId, entry.messageId), type: 'inbox', ...entry },
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
  if ((Attributes?.count as number) > INBOX_MAX) await trimInbox(deps, userId, Attributes?.count as number);
}

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
      return Attributes ? 1 : 0;
    }),
  );
  const count = deleted.reduce<number>((a, b) => a + b, 0);
  if (count > 0) await addToCounter(deps, userId, -count);
  return count;
}

/**
 * Counts the inbox for real (the counter drifts: TTL deletes do not decrement it), drops
 * expired entries and then the oldest until INBOX_MAX remain, and corrects the counter.
 */
async function trimInbox(deps: TableDeps, userId: string, counterSeen: number): Promise<void> {
  const all = (await queryAll(deps, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
    ExpressionAttributeValues: { ':pk': keys.inboxPartition(userId), ':msg': 'MSG#' },
    ProjectionExpression: 'sk, expiresAt',
  })) as { sk: string; expiresAt: number }[];

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
