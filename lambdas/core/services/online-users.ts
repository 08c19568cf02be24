import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PageQuery } from '../../../protocol/http-requests.ts';
import type { OnlineUserSummary } from '../../../protocol/http-responses.ts';
import type { Deps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { epochSeconds, keys, sweepShardOf, sweepShards } from '../store/keys.ts';
import {
  filterRecordedConnections,
  getLegacyConnectionUsers,
  listCountedConnectionsOf,
} from '../store/live-connections.ts';
import { decodeCursor, encodeCursor, type Page, tableKeyNames } from '../store/paging.ts';

/** Last-seen records read per Query, fewer when the request's read budget has less left. */
const recordsPerRead = 100;

/** A last-seen record as the listing reads it. */
interface SeenRecord {
  readonly key: Record<string, unknown>;
  readonly connectionId: string;
  readonly user: string;
}

/**
 * A page of the users who hold at least one live connection, for the admin listing
 * `GET /online`.
 *
 * No partition lists every user (it would be a hot key on every connect), so this reads the
 * connections' last-seen records (keys.seen), which carry their user: one Query per shard, the
 * 16 shards in turn, each in connection id order, skipping records past their expiry. That
 * reads every connection, acceptable for an occasional admin listing and never on a
 * per-message path. The cursor is the key of the last record a page read.
 *
 * A user's connections are spread over the shards, not adjacent, so each user is listed at
 * one of them only: the first, in the listing's order, of their live connections (those their
 * live-presence item counts whose last-seen record is there, and any read here), with how many
 * they are. Each page reads the live-presence items of its users and the last-seen records of
 * their connections (BatchGets) to know that. A user is so listed once over all pages, with
 * all their connections, as long as their connections do not change while the pages are
 * read: one that closes their first connection after its page was read may be listed again,
 * and one that opens a connection before the cursor may be missed.
 *
 * One request reads at most `ONLINE_READ_MAX` last-seen records (config.ts), so a listing of
 * a million connections answers each page in time: once they are read, the page is answered
 * with the users found so far, maybe fewer than `limit` or none, and a cursor; only a null
 * cursor ends the listing.
 */
export async function listOnlineUsers(deps: Deps, query: PageQuery): Promise<Page<OnlineUserSummary>> {
  const listed: OnlineUserSummary[] = [];
  const connectionsOf = new Map<string, Set<string>>();
  let startKey: Record<string, unknown> | undefined = decodeCursor(query.cursor, tableKeyNames);
  let lastKey: Record<string, unknown> | undefined;
  const readMax = deps.config.ONLINE_READ_MAX;
  let read = 0;
  // Where a page cut short by the budget resumes: past every record read so far.
  let readTo: Record<string, unknown> | undefined = startKey;
  for (let shard = startKey ? shardOfCursor(startKey.pk) : 0; shard < sweepShards; shard += 1) {
    do {
      if (read >= readMax && readTo) return { items: listed, cursor: encodeCursor(readTo) };
      const page = await deps.db.send(
        new QueryCommand({
          TableName: deps.config.TABLE_NAME,
          KeyConditionExpression: 'pk = :shard',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':shard': keys.seenShard(shard), ':now': epochSeconds(deps.now()) },
          ProjectionExpression: 'pk, sk, connectionId, userId',
          // Each page's users are looked up before it is listed: a page a response stops
          // inside is not read much beyond it.
          Limit: Math.max(1, Math.min(recordsPerRead, readMax - read)),
          ExclusiveStartKey: startKey,
        }),
      );
      const items = page.Items ?? [];
      read += page.ScannedCount ?? items.length;
      const lastItem = items.at(-1);
      readTo = page.LastEvaluatedKey ?? (lastItem ? { pk: lastItem.pk, sk: lastItem.sk } : readTo);
      const records = await withUsers(deps, items);
      await addLiveConnections(deps, connectionsOf, records);
      for (const record of records) {
        const live = connectionsOf.get(record.user) as Set<string>;
        if (!live.has(record.connectionId)) {
          // Read here but not counted (its `$connect` is under way): it is live too.
          live.add(record.connectionId);
          const entry = listed.find((e) => e.user === record.user);
          if (entry) listed[listed.indexOf(entry)] = { user: entry.user, connections: live.size };
        }
        if (firstOf(live) === record.connectionId) {
          if (listed.length === query.limit) return { items: listed, cursor: encodeCursor(lastKey) };
          listed.push({ user: record.user, connections: live.size });
        }
        lastKey = record.key;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return { items: listed, cursor: null };
}

/** The shard a cursor resumes in: its key must be a last-seen record's. */
function shardOfCursor(pk: unknown): number {
  const shard = Array.from({ length: sweepShards }, (_, n) => n).find((n) => keys.seenShard(n) === pk);
  if (shard === undefined)
    throw badRequest('cursor is not valid: pass back a cursor exactly as this list gave it');
  return shard;
}

/** Where a connection's last-seen record comes in the listing: its shard, then its sort key's bytes. */
function compareListed(a: string, b: string): number {
  return (
    sweepShardOf(a) - sweepShardOf(b) ||
    Buffer.compare(Buffer.from(keys.seen(a).sk, 'utf8'), Buffer.from(keys.seen(b).sk, 'utf8'))
  );
}

const firstOf = (ids: Set<string>): string | undefined => [...ids].sort(compareListed)[0];

/**
 * Learns the live connections of the users of these records not met before: the ids their
 * live-presence item counts, kept when their last-seen record is there (an id whose close
 * stopped before its count has none).
 */
async function addLiveConnections(
  deps: Deps,
  connectionsOf: Map<string, Set<string>>,
  records: readonly SeenRecord[],
): Promise<void> {
  const users = [...new Set(records.map((r) => r.user))].filter((u) => !connectionsOf.has(u));
  if (users.length === 0) return;
  const counted = await listCountedConnectionsOf(deps, users);
  const recorded = await filterRecordedConnections(deps, [...new Set([...counted.values()].flat())]);
  for (const user of users)
    connectionsOf.set(user, new Set((counted.get(user) ?? []).filter((id) => recorded.has(id))));
}

/**
 * The page's records with their users, in order. TRANSITION (store/live-connections.ts,
 * getLegacyConnectionUsers; goes with it): a record written before the last-seen record
 * carried its user has it looked up in its connection record.
 */
async function withUsers(deps: Deps, items: Record<string, unknown>[]): Promise<SeenRecord[]> {
  const legacy = items
    .filter((item) => typeof item.userId !== 'string')
    .map((item) => item.connectionId as string);
  const legacyUsers =
    legacy.length > 0 ? await getLegacyConnectionUsers(deps, legacy) : new Map<string, string>();
  const records: SeenRecord[] = [];
  for (const { connectionId, userId, pk, sk } of items) {
    const id = connectionId as string;
    const user = typeof userId === 'string' ? userId : legacyUsers.get(id);
    if (user !== undefined) records.push({ key: { pk, sk }, connectionId: id, user });
  }
  return records;
}
