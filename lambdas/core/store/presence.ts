import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PresenceStatus } from '../../../protocol/events.ts';
import type { TableDeps } from '../deps.ts';
import { batchGet } from './batch.ts';
import { keys } from './keys.ts';

export type { PresenceStatus };

export interface Presence {
  readonly userId: string;
  readonly status: PresenceStatus;
  readonly updatedAt: number;
}

/** Records the status a user chose; whether they are online at all comes from their connections. */
export async function putPresence(
  deps: TableDeps,
  userId: string,
  status: PresenceStatus,
): Promise<Presence> {
  const presence = { userId, status, updatedAt: deps.now() };
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.presence(userId), type: 'presence', ...presence },
    }),
  );
  return presence;
}

/**
 * Chosen statuses of many users (100 keys per BatchGet, store/batch.ts); users who never chose
 * one are absent. Throws UnprocessedKeysError when throttling leaves keys unread, rather than
 * read those users as never having chosen.
 */
export async function getPresences(
  deps: TableDeps,
  userIds: readonly string[],
): Promise<Map<string, Presence>> {
  const items = await batchGet(
    deps,
    [...new Set(userIds)].map((u) => keys.presence(u)),
  );
  return new Map(
    items.map((item) => [
      item.userId as string,
      {
        userId: item.userId as string,
        status: item.status as PresenceStatus,
        updatedAt: item.updatedAt as number,
      },
    ]),
  );
}
