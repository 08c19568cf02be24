import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { epochSeconds, keys, seqKey } from './keys.ts';

/**
 * Threads: a reply is an ordinary room message with `replyTo`; its parent's thread is a partition
 * of pointers, one per reply, keyed by the reply's seq, and the parent counts its `replies`.
 * Without transactions these are two writes after the reply is stored: the pointer first (the
 * thread page reads it), then the count, which only the write that created the pointer makes, so
 * a retried or repeated attempt never counts a reply twice.
 */

export interface ThreadReply {
  readonly roomId: string;
  readonly epoch: number;
  /** The seq of the message replied to. */
  readonly parent: number;
  /** The reply's seq. */
  readonly seq: number;
  /** The reply's `ts`: the pointer is kept as long as the reply. */
  readonly ts: number;
}

/** Stores the pointer from the parent's thread to the reply; false when it was stored already. */
export async function addThreadPointer(deps: TableDeps, reply: ThreadReply): Promise<boolean> {
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: {
          ...keys.threadReply(reply.roomId, reply.epoch, reply.parent, reply.seq),
          type: 'threadReply',
          seq: reply.seq,
          expiresAt: epochSeconds(reply.ts) + deps.config.HISTORY_TTL_SECONDS,
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

/**
 * Adds one to the parent's `replies`. Conditional on the parent being stored (an ADD on a missing
 * item would create a stray one, e.g. after retention removed the parent): false when it is not.
 */
export async function countThreadReply(
  deps: TableDeps,
  parent: { roomId: string; epoch: number; seq: number },
): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.roomMessage(parent.roomId, parent.epoch, parent.seq),
        UpdateExpression: 'ADD replies :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * The seqs of a thread's replies below `before`, newest first, at most `limit`, skipping pointers
 * past retention; `more` says older ones follow.
 */
export async function listThreadSeqs(
  deps: TableDeps,
  input: { roomId: string; epoch: number; parent: number; before?: number; limit: number },
): Promise<{ seqs: number[]; more: boolean }> {
  const seqs: number[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND sk < :before',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: {
          ':pk': keys.threadReplies(input.roomId, input.epoch, input.parent),
          ':before': seqKey(input.before ?? Number.MAX_SAFE_INTEGER),
          ':now': epochSeconds(deps.now()),
        },
        ProjectionExpression: 'seq',
        ScanIndexForward: false,
        // One more than asked tells whether more follow.
        Limit: input.limit + 1 - seqs.length,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) seqs.push(item.seq as number);
    startKey = page.LastEvaluatedKey;
  } while (startKey && seqs.length <= input.limit);
  return { seqs: seqs.slice(0, input.limit), more: seqs.length > input.limit || Boolean(startKey) };
}
