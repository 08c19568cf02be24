import { BatchGetCommand, type BatchGetCommandOutput, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PresenceStatus } from '../../../protocol/events.ts';
import type { TableDeps } from '../deps.ts';
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

/** Chosen statuses of many users (100 keys per BatchGet); users who never chose one are absent. */
export async function getPresences(
  deps: TableDeps,
  userIds: readonly string[],
): Promise<Map<string, Presence>> {
  const found = new Map<string, Presence>();
  const unique = [...new Set(userIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let requestKeys: Record<string, unknown>[] | undefined = unique
      .slice(i, i + 100)
      .map((u) => keys.presence(u));
    for (let round = 0; requestKeys?.length && round < 5; round += 1) {
      const response: BatchGetCommandOutput = await deps.db.send(
        new BatchGetCommand({ RequestItems: { [deps.config.TABLE_NAME]: { Keys: requestKeys } } }),
      );
      const { Responses, UnprocessedKeys } = response;
      for (const item of Responses?.[deps.config.TABLE_NAME] ?? []) {
        found.set(item.userId as string, {
          userId: item.userId as string,
          status: item.status as PresenceStatus,
          updatedAt: item.updatedAt as number,
        });
      }
      requestKeys = UnprocessedKeys?.[deps.config.TABLE_NAME]?.Keys;
    }
  }
  return found;
}
