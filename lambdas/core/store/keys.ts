/**
 * Key layout of the single table; every item is addressed through these.
 *
 * A key is a fixed prefix and parts joined with `#`. Every part a caller can choose (user, room
 * and connection ids, message and idempotency ids, tickets, action names) goes through
 * {@link keyPart}, which escapes `%`, `#`, control characters and lone surrogates, so no part
 * contains the delimiter and no two different inputs share a key: user `a` with id `x#send#y`
 * and user `a#send#x` with id `y` are two keys (issue 11, finding 2). Attributes keep the raw
 * values: code reads `userId`, `roomId` and so on from the item, never back out of a key.
 */

/**
 * Escapes one part of a key, injectively: `%` → `%25`, `#` → `%23`, each control character
 * (U+0000 to U+001F, U+007F) → `%XX`, and each lone surrogate → `%uXXXX` (UTF-8 cannot carry one,
 * so the table would store every lone surrogate as the same U+FFFD). Every other character,
 * and so every id of the usual alphabets, is kept as it is.
 */
export function keyPart(value: string): string {
  return value.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are escaped
    /[%#\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (ch) => {
      const code = ch.charCodeAt(0);
      return code >= 0xd800
        ? `%u${code.toString(16).toUpperCase()}`
        : `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    },
  );
}

/** The inverse of {@link keyPart}, for tests and tools; the product reads raw values from attributes. */
export function decodeKeyPart(part: string): string {
  return part.replace(
    /%u([0-9A-F]{4})|%([0-9A-F]{2})/g,
    (_, wide: string | undefined, narrow: string | undefined) =>
      String.fromCharCode(Number.parseInt((wide ?? narrow) as string, 16)),
  );
}

/** A prefix and escaped parts, `#`-joined. */
const key = (prefix: string, ...parts: string[]): string => [prefix, ...parts.map(keyPart)].join('#');

/**
 * Whose retry an idempotency key recognises: a user's `send`, a user's `publish` (or `edit`,
 * `delete`, `react`) in a room, or a service's notification (`user` is then the service's `from`).
 */
export interface IdempotencyScope {
  readonly user: string;
  readonly kind: 'send' | 'publish' | 'notify' | 'edit' | 'delete' | 'react';
  /** The room of a `publish`, `edit`, `delete` or `react`. */
  readonly room?: string;
}

export const keys = {
  connection: (connectionId: string) => ({ pk: key('CONN', connectionId), sk: 'CONN' }),
  /**
   * A connection's last-seen record: in no index, so a heartbeat's write is one unit, and in
   * one of {@link sweepShards} partitions picked from the id, which the sweeper reads whole.
   */
  seen: (connectionId: string) => ({
    pk: `SEEN#${sweepShardOf(connectionId)}`,
    sk: key('CONN', connectionId),
  }),
  /** One shard of the last-seen records. */
  seenShard: (shard: number) => `SEEN#${shard}`,
  inboxPartition: (userId: string) => key('INBOX', userId),
  inboxMessage: (userId: string, messageId: string) => ({
    pk: key('INBOX', userId),
    sk: key('MSG', messageId),
  }),
  inboxMeta: (userId: string) => ({ pk: key('INBOX', userId), sk: 'META' }),
  /** Parts kept apart: the same `id` of another user, kind or room is another key. */
  idempotency: (scope: IdempotencyScope, id: string) => ({
    pk: key('IDEM', scope.user, scope.kind, ...(scope.room === undefined ? [] : [scope.room]), id),
    sk: 'IDEM',
  }),
  ticket: (ticket: string) => ({ pk: key('TICKET', ticket), sk: 'TICKET' }),
  /** An uploaded file: its owner, declaration and, once attached, the message it belongs to. */
  file: (fileId: string) => ({ pk: key('FILE', fileId), sk: 'FILE' }),

  room: (roomId: string) => ({ pk: key('ROOM', roomId), sk: 'META' }),
  roomPartition: (roomId: string) => key('ROOM', roomId),
  member: (roomId: string, userId: string) => ({ pk: key('ROOM', roomId), sk: key('MEMBER', userId) }),
  /** Every member item's sort key starts with this. */
  memberSortPrefix: 'MEMBER#',
  /** byUser index key of a member item. */
  membershipByUser: (userId: string, roomId: string) => ({
    gsi1pk: key('ROOMS', userId),
    gsi1sk: key('ROOM', roomId),
  }),
  readCursor: (roomId: string, userId: string) => ({ pk: key('ROOM', roomId), sk: key('READ', userId) }),
  /** byUser index partition of a user's memberships. */
  userRooms: (userId: string) => key('ROOMS', userId),
  subscriptions: (roomId: string) => key('SUBS', roomId),
  subscription: (roomId: string, connectionId: string) => ({
    pk: key('SUBS', roomId),
    sk: key('CONN', connectionId),
  }),
  /** One life of a room has its own history partition, so a new epoch starts at seq 1. */
  roomMessages: (roomId: string, epoch: number) => key('HIST', roomId, String(epoch)),
  roomMessage: (roomId: string, epoch: number, seq: number) => ({
    pk: key('HIST', roomId, String(epoch)),
    sk: seqKey(seq),
  }),
  /**
   * One user's hold of one reaction on one room message (reactions.ts): apart from the history
   * partition, so history queries never read it.
   */
  reaction: (roomId: string, epoch: number, seq: number, reaction: string, userId: string) => ({
    pk: key('REACT', roomId, String(epoch), String(seq)),
    sk: key('BY', reaction, userId),
  }),
  /**
   * The thread of the message at `parent`: one pointer per reply, sorted by the reply's seq. Under
   * `HIST#` (one part more than the history partition, so never the same key) so the grants of
   * room history cover it.
   */
  threadReplies: (roomId: string, epoch: number, parent: number) =>
    key('HIST', roomId, String(epoch), 'THREAD', String(parent)),
  threadReply: (roomId: string, epoch: number, parent: number, seq: number) => ({
    pk: key('HIST', roomId, String(epoch), 'THREAD', String(parent)),
    sk: seqKey(seq),
  }),
  presence: (userId: string) => ({ pk: key('PRESENCE', userId), sk: 'PRESENCE' }),
  rateWindow: (userId: string, action: string, window: number) => ({
    pk: key('RATE', userId, action),
    sk: `W#${window}`,
  }),

  /** A user's live connections and, per room, which of them are subscribed (presence-counts.ts). */
  livePresence: (userId: string) => ({ pk: key('LIVE', userId), sk: 'LIVE' }),
  /** The attribute of the live-presence item holding the user's connections subscribed to a room. */
  livePresenceRoom: (roomId: string) => key('R', roomId),
  /** Marks one departure announced in one room, so a retried queue record announces it once. */
  departureClaim: (connectionId: string, roomId: string) => ({
    pk: key('DEPARTED', connectionId),
    sk: key('ROOM', roomId),
  }),

  /** Blocks: one item per (blocker, blocked) and a count, all in the blocker's partition. */
  blocksPartition: (userId: string) => key('BLOCKS', userId),
  block: (userId: string, blockedId: string) => ({ pk: key('BLOCKS', userId), sk: key('BLOCK', blockedId) }),
  blocksMeta: (userId: string) => ({ pk: key('BLOCKS', userId), sk: 'META' }),
  /** Every block item's sort key starts with this. */
  blockSortPrefix: 'BLOCK#',
  /** How many unacknowledged direct messages one sender holds in a user's inbox. */
  inboxSender: (userId: string, senderId: string) => ({
    pk: key('INBOX', userId),
    sk: key('FROM', senderId),
  }),
  /** The moderation settings: one item (moderation.ts). */
  moderation: () => ({ pk: 'MODERATION#SETTINGS', sk: 'SETTINGS' }),
} as const;

/** History sort keys: zero-padded so that text order is seq order. */
export const seqKey = (seq: number): string => `SEQ#${String(seq).padStart(12, '0')}`;

export const byUserIndex = 'byUser';
/**
 * Shards of the last-seen records, so no partition runs
 * hot: at 1,000,000 connections the last-seen writes (pings, connects, disconnects) are about
 * 3,200 a second, 200 a shard, against DynamoDB's 1,000 write units a second per partition.
 */
export const sweepShards = 16;

/** The shard of a connection: a hash of its id, so a shard's connections are spread evenly. */
export function sweepShardOf(connectionId: string): number {
  let hash = 0;
  for (let i = 0; i < connectionId.length; i += 1) hash = (hash * 31 + connectionId.charCodeAt(i)) >>> 0;
  return hash % sweepShards;
}

/** DynamoDB TTL wants epoch seconds. */
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);

/** Whether an item's `expiresAt` (epoch seconds; TTL deletes late) has passed at `nowMs`. */
export const isPastExpiry = (expiresAt: unknown, nowMs: number): boolean =>
  typeof expiresAt === 'number' && expiresAt <= epochSeconds(nowMs);
