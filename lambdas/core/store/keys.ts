/** Key layout of the single table; every item is addressed through these. */
export const keys = {
  connection: (connectionId: string) => ({ pk: `CONN#${connectionId}`, sk: 'CONN' }),
  userConnections: (userId: string) => `USER#${userId}`,
  inboxPartition: (userId: string) => `INBOX#${userId}`,
  inboxMessage: (userId: string, messageId: string) => ({ pk: `INBOX#${userId}`, sk: `MSG#${messageId}` }),
  inboxMeta: (userId: string) => ({ pk: `INBOX#${userId}`, sk: 'META' }),
  idempotency: (scope: string, key: string) => ({ pk: `IDEM#${scope}#${key}`, sk: 'IDEM' }),
  ticket: (ticket: string) => ({ pk: `TICKET#${ticket}`, sk: 'TICKET' }),

  room: (roomId: string) => ({ pk: `ROOM#${roomId}`, sk: 'META' }),
  roomPartition: (roomId: string) => `ROOM#${roomId}`,
  member: (roomId: string, userId: string) => ({ pk: `ROOM#${roomId}`, sk: `MEMBER#${userId}` }),
  readCursor: (roomId: string, userId: string) => ({ pk: `ROOM#${roomId}`, sk: `READ#${userId}` }),
  /** byUser index partition of a user's memberships. */
  userRooms: (userId: string) => `ROOMS#${userId}`,
  subscriptions: (roomId: string) => `SUBS#${roomId}`,
  subscription: (roomId: string, connectionId: string) => ({
    pk: `SUBS#${roomId}`,
    sk: `CONN#${connectionId}`,
  }),
  /** One life of a room has its own history partition, so a new epoch starts at seq 1. */
  roomMessages: (roomId: string, epoch: number) => `HIST#${roomId}#${epoch}`,
  roomMessage: (roomId: string, epoch: number, seq: number) => ({
    pk: `HIST#${roomId}#${epoch}`,
    sk: seqKey(seq),
  }),
  presence: (userId: string) => ({ pk: `PRESENCE#${userId}`, sk: 'PRESENCE' }),
  rateWindow: (userId: string, action: string, window: number) => ({
    pk: `RATE#${userId}#${action}`,
    sk: `W#${window}`,
  }),

  /** Blocks: one item per (blocker, blocked) and a count, all in the blocker's partition. */
  blocksPartition: (userId: string) => `BLOCKS#${userId}`,
  block: (userId: string, blockedId: string) => ({ pk: `BLOCKS#${userId}`, sk: `BLOCK#${blockedId}` }),
  blocksMeta: (userId: string) => ({ pk: `BLOCKS#${userId}`, sk: 'META' }),
  /** How many unacknowledged direct messages one sender holds in a user's inbox. */
  inboxSender: (userId: string, senderId: string) => ({ pk: `INBOX#${userId}`, sk: `FROM#${senderId}` }),
} as const;

/** History sort keys: zero-padded so that text order is seq order. */
export const seqKey = (seq: number): string => `SEQ#${String(seq).padStart(12, '0')}`;

export const byUserIndex = 'byUser';
/** Sparse index of connections by last-seen time, sharded so no partition runs hot. */
export const byLastSeenIndex = 'byLastSeen';
export const lastSeenShards = 16;

/** DynamoDB TTL wants epoch seconds. */
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
