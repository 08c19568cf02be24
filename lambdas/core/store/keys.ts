/** Key layout of the single table; every item is addressed through these. */
export const keys = {
  connection: (connectionId: string) => ({ pk: `CONN#${connectionId}`, sk: 'CONN' }),
  userConnections: (userId: string) => `USER#${userId}`,
  inboxPartition: (userId: string) => `INBOX#${userId}`,
  inboxMessage: (userId: string, messageId: string) => ({ pk: `INBOX#${userId}`, sk: `MSG#${messageId}` }),
  inboxMeta: (userId: string) => ({ pk: `INBOX#${userId}`, sk: 'META' }),
  idempotency: (scope: string, key: string) => ({ pk: `IDEM#${scope}#${key}`, sk: 'IDEM' }),
  ticket: (ticket: string) => ({ pk: `TICKET#${ticket}`, sk: 'TICKET' }),
} as const;

export const byUserIndex = 'byUser';

/** DynamoDB TTL wants epoch seconds. */
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
