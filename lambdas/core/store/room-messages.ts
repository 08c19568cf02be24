import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LifecycleKind, RoomMessage } from '../../../protocol/server-frames.ts';
import type { TableDeps } from '../deps.ts';
import { conditionally, isConditionFailed } from '../errors.ts';
import { epochSeconds, keys, seqKey } from './keys.ts';

export type { RoomMessage };

/** The highest seq of this life of the room; 0 before the first message. */
export async function latestSeq(deps: TableDeps, roomId: string, epoch: number): Promise<number> {
  const { Items } = await deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.roomMessages(roomId, epoch) },
      ProjectionExpression: 'seq',
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return (Items?.[0]?.seq as number | undefined) ?? 0;
}

/** How an idempotent publish claims its slot; see `appendRoomMessage`. */
export interface AppendOptions {
  /**
   * A seq an earlier attempt of the same message reserved (it may have stored the message
   * there before it died): tried first, and found there if it was stored.
   */
  readonly reservedSeq?: number;
  /**
   * Called with each seq before it is written (publish records it on its idempotency key);
   * throws to stop. Given it, a slot found taken is read to see whether it holds this very
   * message (the earlier attempt's write, or an SDK retry of a put that had succeeded).
   */
  readonly reserve?: (seq: number) => Promise<void>;
}

/**
 * Appends a message with the room's next seq. The history itself is the sequence: each
 * attempt writes `seq = latest + 1` on the condition that the slot is free, and a publisher
 * that loses the race reads the head again and tries the slot after it. So seq values are
 * unique and gap-free without a transaction and without a counter that a crash could leave
 * ahead of the history.
 */
export async function appendRoomMessage(
  deps: TableDeps,
  input: {
    roomId: string;
    epoch: number;
    id: string;
    from: string;
    data: unknown;
    ts: number;
    files?: RoomMessage['files'];
    kind?: LifecycleKind;
    target?: number;
    reaction?: string;
    on?: boolean;
    replyTo?: number;
  },
  options: AppendOptions = {},
): Promise<RoomMessage> {
  let seq = options.reservedSeq ?? (await latestSeq(deps, input.roomId, input.epoch)) + 1;
  const expiresAt = epochSeconds(input.ts) + deps.config.HISTORY_TTL_SECONDS;
  const lifecycle = {
    ...(input.kind
      ? {
          kind: input.kind,
          target: input.target,
          ...(input.reaction !== undefined ? { reaction: input.reaction, on: input.on ?? true } : {}),
        }
      : {}),
    ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
  };
  const stored = {
    id: input.id,
    room: input.roomId,
    seq,
    from: input.from,
    data: input.data,
    ts: input.ts,
    ...(input.files ? { files: input.files } : {}),
    ...lifecycle,
  };
  for (;;) {
    // The reserved slot is on the key already; a new slot is recorded before it is written.
    if (seq !== options.reservedSeq) await options.reserve?.(seq);
    try {
      await deps.db.send(
        new PutCommand({
          TableName: deps.config.TABLE_NAME,
          Item: {
            ...keys.roomMessage(input.roomId, input.epoch, seq),
            type: 'roomMessage',
            id: input.id,
            room: input.roomId,
            seq,
            from: input.from,
            // Kept as JSON text: any JSON value round-trips exactly, whatever DynamoDB's types allow.
            data: JSON.stringify(input.data),
            ts: input.ts,
            ...(input.files ? { files: input.files } : {}),
            ...lifecycle,
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { ...stored, seq };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    if (options.reserve) {
      const holder = await roomMessageIdAt(deps, input.roomId, input.epoch, seq);
      if (holder === input.id) return { ...stored, seq };
    }
    // Lost the slot: go to the head, not to the next slot. Under many concurrent publishers the
    // head moves on by several while this attempt retries, and stepping one slot per round trip
    // would let it fall behind for good. (A reserved slot another message filled lies behind
    // the head by now, too.)
    seq = Math.max(seq + 1, (await latestSeq(deps, input.roomId, input.epoch)) + 1);
  }
}

/** The id of the message stored at `seq`, if any. */
export async function roomMessageIdAt(deps: TableDeps, roomId: string, epoch: number, seq: number) {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.roomMessage(roomId, epoch, seq),
      ProjectionExpression: '#id',
      ExpressionAttributeNames: { '#id': 'id' },
      ConsistentRead: true,
    }),
  );
  return Item?.id as string | undefined;
}

/** How many queries one page of ordinary messages may take over lifecycle entries. */
const maxPageRounds = 10;

/**
 * Messages after `since` (oldest first), or before `before` (newest first), skipping those
 * past retention that TTL has not removed yet. With `maxBytes`, the page also stops before the
 * message that would take the messages' JSON past that size (it always holds at least one), and
 * `more` says the rest follows: a reply frame has to stay under API Gateway's 128 KB.
 *
 * With `ordinaryOnly`, lifecycle entries (edits, deletes, reactions) are skipped: the query goes
 * on over them until the page holds `limit` messages, for at most {@link maxPageRounds} queries
 * (a page cut short by that bound says `more`). `next` is then the `before` of the following
 * page: the oldest message returned, or the oldest entry read when that is older.
 */
export async function listRoomMessages(
  deps: TableDeps,
  input: {
    roomId: string;
    epoch: number;
    since?: number;
    before?: number;
    limit: number;
    maxBytes?: number;
    ordinaryOnly?: boolean;
  },
): Promise<{ messages: RoomMessage[]; more: boolean; next?: number }> {
  const ascending = input.since !== undefined;
  const bound = ascending ? seqKey(input.since ?? 0) : seqKey(input.before ?? Number.MAX_SAFE_INTEGER);
  const messages: RoomMessage[] = [];
  let startKey: Record<string, unknown> | undefined;
  let bytes = 0;
  let cut = false;
  let rounds = 0;
  do {
    rounds += 1;
    const wanted = input.limit + 1 - messages.length;
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        KeyConditionExpression: ascending ? 'pk = :pk AND sk > :bound' : 'pk = :pk AND sk < :bound',
        FilterExpression: input.ordinaryOnly
          ? 'expiresAt > :now AND attribute_not_exists(kind)'
          : 'expiresAt > :now',
        ExpressionAttributeValues: {
          ':pk': keys.roomMessages(input.roomId, input.epoch),
          ':bound': bound,
          ':now': epochSeconds(deps.now()),
        },
        ScanIndexForward: ascending,
        // Over lifecycle entries, each round reads twice as far ahead as the last (up to 200
        // entries): much of what a query reads may be filtered out.
        Limit: input.ordinaryOnly ? Math.min(wanted * 2 ** (rounds - 1), Math.max(wanted, 200)) : wanted,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (messages.length > input.limit) break;
      // The message after the limit only tells whether more follow: it is not sent, not counted.
      if (input.maxBytes !== undefined && messages.length < input.limit) {
        bytes += entryBytes(item);
        if (bytes > input.maxBytes && messages.length > 0) {
          cut = true;
          break;
        }
      }
      messages.push(toMessage(item));
    }
    startKey = page.LastEvaluatedKey;
  } while (
    !cut &&
    startKey &&
    messages.length <= input.limit &&
    (!input.ordinaryOnly || rounds < maxPageRounds)
  );
  const returned = messages.slice(0, input.limit);
  const more = cut || messages.length > input.limit || Boolean(startKey);
  const lastReturned = returned.at(-1)?.seq;
  // A page that ends on the limit or the size resumes after its last message; one that ran out
  // of rounds resumes after the last entry it read (all it read is in the page).
  const lastRead =
    startKey && !cut && messages.length <= input.limit ? Number((startKey.sk as string).slice(4)) : undefined;
  const next = lastRead ?? lastReturned;
  return { messages: returned, more, ...(more && next !== undefined ? { next } : {}) };
}

/**
 * The size of a stored message as one entry of a JSON page: `data` is kept as JSON text, so it
 * counts as stored; the other strings as JSON would escape them; 100 bytes for the field names,
 * `seq`, `ts` and the separators.
 */
const entryBytes = (item: Record<string, unknown>): number =>
  Buffer.byteLength(item.data as string) +
  Buffer.byteLength(JSON.stringify(item.id)) +
  Buffer.byteLength(JSON.stringify(item.from)) +
  Buffer.byteLength(JSON.stringify(item.room)) +
  (item.files ? Buffer.byteLength(JSON.stringify(item.files)) : 0) +
  (item.reactions ? Buffer.byteLength(JSON.stringify(item.reactions)) : 0) +
  100;

const toMessage = (item: Record<string, unknown>): RoomMessage => ({
  id: item.id as string,
  room: item.room as string,
  seq: item.seq as number,
  from: item.from as string,
  data: item.deleted ? null : JSON.parse(item.data as string),
  ts: item.ts as number,
  // A deleted message's files were deleted with it (services/files.ts): it lists none.
  ...(item.files && !item.deleted ? { files: item.files as RoomMessage['files'] } : {}),
  ...(item.kind ? { kind: item.kind as LifecycleKind, target: item.target as number } : {}),
  ...(item.reaction !== undefined ? { reaction: item.reaction as string, on: item.on as boolean } : {}),
  ...reactionsOf(item),
  ...(item.editedAt !== undefined ? { editedAt: item.editedAt as number } : {}),
  ...(item.deleted ? { deleted: true as const } : {}),
  ...(item.replyTo !== undefined ? { replyTo: item.replyTo as number } : {}),
  ...((item.replies as number | undefined) ? { replies: item.replies as number } : {}),
});

/** The message stored at `seq`, in its current state, if any (and not past retention). */
export async function getRoomMessage(
  deps: TableDeps,
  roomId: string,
  epoch: number,
  seq: number,
): Promise<RoomMessage | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.roomMessage(roomId, epoch, seq),
      ConsistentRead: true,
    }),
  );
  if (!Item || (Item.expiresAt as number) <= epochSeconds(deps.now())) return undefined;
  return toMessage(Item);
}

/**
 * Applies a lifecycle entry to its target's current state: an edit replaces `data` and sets
 * `editedAt`, a delete sets `deleted` and drops `files`. Conditional on the target being an ordinary message
 * that is not deleted and, for an edit, on no later edit having landed first (`editSeq`: two
 * racing edits end with the one of the higher seq, whatever order they land in). Answers
 * false when the condition fails.
 */
export async function applyToRoomMessage(
  deps: TableDeps,
  input: {
    roomId: string;
    epoch: number;
    target: number;
    change: { edit: unknown; at: number; seq: number } | 'delete';
  },
): Promise<boolean> {
  const edit = input.change !== 'delete' ? input.change : undefined;
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.roomMessage(input.roomId, input.epoch, input.target),
        UpdateExpression: edit
          ? 'SET #data = :data, editedAt = :at, editSeq = :seq'
          : 'SET deleted = :true REMOVE files',
        ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(kind) AND attribute_not_exists(deleted)${
          edit ? ' AND (attribute_not_exists(editSeq) OR editSeq < :seq)' : ''
        }`,
        ExpressionAttributeNames: edit ? { '#data': 'data' } : undefined,
        ExpressionAttributeValues: edit
          ? { ':data': JSON.stringify(edit.edit), ':at': edit.at, ':seq': edit.seq }
          : { ':true': true },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** An ordinary message's reaction counts, when any is above 0 (a count at 0 is dropped). */
function reactionsOf(item: Record<string, unknown>): { reactions?: Record<string, number> } {
  const counts = item.reactions as Record<string, number> | undefined;
  if (!counts || item.kind) return {};
  const held = Object.entries(counts).filter(([, n]) => Number(n) > 0);
  return held.length > 0 ? { reactions: Object.fromEntries(held.map(([r, n]) => [r, Number(n)])) } : {};
}

/**
 * Moves one reaction count of an ordinary message by `delta` (+1 or -1). A count never goes
 * below 0, and one that reaches 0 is removed from the map. Conditional on the message being
 * an ordinary one of this epoch that is not deleted; false when it is not (nothing changed).
 */
export async function moveReactionCount(
  deps: TableDeps,
  input: { roomId: string; epoch: number; target: number; reaction: string; delta: 1 | -1 },
): Promise<boolean> {
  const Key = keys.roomMessage(input.roomId, input.epoch, input.target);
  const ordinary = 'attribute_exists(pk) AND attribute_not_exists(kind) AND attribute_not_exists(deleted)';
  const update = (params: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>) =>
    conditionally(() =>
      deps.db.send(new UpdateCommand({ TableName: deps.config.TABLE_NAME, Key, ...params })),
    );
  const names = { '#r': input.reaction };
  if (input.delta < 0) {
    const moved = await update({
      UpdateExpression: 'SET reactions.#r = reactions.#r - :one',
      ConditionExpression: `${ordinary} AND reactions.#r > :zero`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
    });
    // Best effort: a count left at 0 is not shown either.
    if (moved)
      await update({
        UpdateExpression: 'REMOVE reactions.#r',
        ConditionExpression: 'reactions.#r <= :zero',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':zero': 0 },
      });
    return moved;
  }
  // The map exists once any reaction was added: then the count moves inside it, else the map
  // is created holding this one. A race between two first reactions retries the other way.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (
      await update({
        UpdateExpression: 'SET reactions.#r = if_not_exists(reactions.#r, :zero) + :one',
        ConditionExpression: `${ordinary} AND attribute_exists(reactions)`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
      })
    )
      return true;
    if (
      await update({
        UpdateExpression: 'SET reactions = :first',
        ConditionExpression: `${ordinary} AND attribute_not_exists(reactions)`,
        ExpressionAttributeValues: { ':first': { [input.reaction]: 1 } },
      })
    )
      return true;
  }
  return false;
}
