import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { PageQuery } from '../../../protocol/http-requests.ts';
import type { OnlineUserSummary } from '../../../protocol/http-responses.ts';
import type { Deps } from '../deps.ts';
import { byUserIndex, epochSeconds } from '../store/keys.ts';
import { decodeCursor, encodeCursor, type Page } from '../store/paging.ts';

/**
 * A page of the users who hold at least one live connection, for the admin listing
 * `GET /online`.
 *
 * No partition lists every connection (it would be a hot key on every connect), so this scans
 * the byUser index, filtered to connection items (`gsi1pk = USER#…`; member items are
 * `ROOMS#…`) that have not expired. That is a Scan, acceptable for an occasional admin listing
 * and never on a per-message path. An index scan returns all items of one partition key
 * together, so a user's connections are adjacent: the page stops at the first item of the
 * user after the last one returned, and the cursor is the index key of that user's last
 * connection, so no user is split across pages or listed twice.
 */
export async function listOnlineUsers(deps: Deps, query: PageQuery): Promise<Page<OnlineUserSummary>> {
  const users: { user: string; connections: number; lastKey: Record<string, unknown> }[] = [];
  // An index cursor holds the index's key and the table's.
  let startKey: Record<string, unknown> | undefined = decodeCursor(query.cursor, [
    'pk',
    'sk',
    'gsi1pk',
    'gsi1sk',
  ]);
  do {
    const page = await deps.db.send(
      new ScanCommand({
        TableName: deps.config.TABLE_NAME,
        IndexName: byUserIndex,
        FilterExpression: 'begins_with(gsi1pk, :connections) AND expiresAt > :now',
        ExpressionAttributeValues: { ':connections': 'USER#', ':now': epochSeconds(deps.now()) },
        ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk, userId',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const { userId, ...key } of page.Items ?? []) {
      const user = userId as string;
      const last = users.at(-1);
      if (last?.user === user) {
        last.connections += 1;
        last.lastKey = key;
        continue;
      }
      if (last && users.length === query.limit)
        return { items: users.map(summary), cursor: encodeCursor(last.lastKey) };
      users.push({ user, connections: 1, lastKey: key });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { items: users.map(summary), cursor: null };
}

const summary = ({ user, connections }: { user: string; connections: number }): OnlineUserSummary => ({
  user,
  connections,
});
