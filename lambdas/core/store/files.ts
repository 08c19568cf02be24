import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { epochSeconds, keys } from './keys.ts';

/** An upload as `POST /uploads` declared it, and the message it was attached to, if any. */
export interface FileRecord {
  readonly fileId: string;
  readonly owner: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly createdAt: number;
  /** `room:{roomId}` or `user:{recipientId}`: who besides the owner may read it. */
  readonly attachedTo?: string;
  /** The readers of a direct message: its sender and recipient. */
  readonly readers?: readonly string[];
  /** The id of the message it is attached to. */
  readonly messageId?: string;
  /** When its message was deleted: from then on nobody reads it, and it attaches to nothing. */
  readonly deletedAt?: number;
}

/** An unattached record outlives its upload (deleted from `pending/` after a day) by a day. */
const unattachedTtlMs = 2 * 24 * 3600 * 1000;

export async function putFileRecord(deps: TableDeps, record: FileRecord): Promise<void> {
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.file(record.fileId),
        type: 'file',
        ...record,
        expiresAt: epochSeconds(record.createdAt + unattachedTtlMs),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getFileRecord(deps: TableDeps, fileId: string): Promise<FileRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.file(fileId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, type: _type, expiresAt: _expiresAt, ...record } = Item;
  return record as FileRecord;
}

/**
 * Marks an upload of `owner` attached to message `messageId` of `attachedTo`, once: false if it
 * is not the owner's, or attached to another message. Marking it again for the same message
 * succeeds: an attempt that took over a dead one's idempotency key finds its files so. The
 * record then stays (no expiry), as the message does.
 */
export async function markFileAttached(
  deps: TableDeps,
  fileId: string,
  owner: string,
  attachment: { attachedTo: string; messageId: string; readers: readonly string[] },
): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.file(fileId),
        UpdateExpression: 'SET attachedTo = :to, messageId = :message, readers = :readers REMOVE expiresAt',
        ConditionExpression:
          'attribute_exists(pk) AND #owner = :owner AND attribute_not_exists(deletedAt) AND (attribute_not_exists(attachedTo) OR (attachedTo = :to AND messageId = :message))',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':to': attachment.attachedTo,
          ':message': attachment.messageId,
          ':owner': owner,
          ':readers': [...attachment.readers],
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Undoes {@link markFileAttached} for a message that was not stored after all (best effort): the
 * upload is attachable again, and expires as an unattached one does.
 */
export async function unmarkFileAttached(
  deps: TableDeps,
  record: FileRecord,
  messageId: string,
): Promise<void> {
  await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.file(record.fileId),
        UpdateExpression: 'SET expiresAt = :expires REMOVE attachedTo, messageId, readers',
        ConditionExpression: 'messageId = :message AND attribute_not_exists(deletedAt)',
        ExpressionAttributeValues: {
          ':message': messageId,
          ':expires': epochSeconds(record.createdAt + unattachedTtlMs),
        },
      }),
    )
    .catch(() => undefined);
}

/**
 * Marks a file of message `messageId` of `attachedTo` deleted with it, so that reads refuse it
 * from now on; false if the file is not attached to that very message (nothing changed). Marking
 * it again keeps the first `deletedAt`: a retried delete finds its files so.
 */
export async function markFileDeleted(
  deps: TableDeps,
  fileId: string,
  attachment: { attachedTo: string; messageId: string },
  at: number,
): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.file(fileId),
        UpdateExpression: 'SET deletedAt = if_not_exists(deletedAt, :at)',
        ConditionExpression: 'attribute_exists(pk) AND attachedTo = :to AND messageId = :message',
        ExpressionAttributeValues: {
          ':to': attachment.attachedTo,
          ':message': attachment.messageId,
          ':at': at,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
