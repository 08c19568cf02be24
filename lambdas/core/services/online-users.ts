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
 * A user with many connections costs one request little more than one with few: it reads
 * the last-seen records of at most 100 of the ids the user's item counts (the first in the
 * listing's order, which decide where the user is listed), and counts the rest as they are;
 * so a user with over 100 connections may be listed with a few more than are live, when some
 * past the first 100 closed without their count being updated.
 *
 * One request reads about `ONLINE_READ_MAX` last-seen records (config.ts), by its Queries and
 * its BatchGets alike, so a listing of a million connections answers each page in time: once
 * they are read, the page is answered with the users found so far, maybe fewer than `limit`
 * or none, and a cursor; only a null cursor ends the listing. The last page read may pass it
 * by the BatchGets of its new users (100 at most each).
 */
export async function listOnlineUsers(deps: Deps, query: PageQuery): Promise<Page<OnlineUserSummary>> {
  const listed: OnlineUserSummary[] = [];
  const listedAt = new Map<string, number>();
  const usersMet = new Map<string, UserConnections>();
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
      read += await addLiveConnections(deps, usersMet, records);
      for (const record of records) {
        const user = usersMet.get(record.user) as UserConnections;
        if (!user.live.has(record.connectionId)) {
          // Read here but not counted (its `$connect` is under way): it is live too.
          addConnection(user, record.connectionId);
          const at = listedAt.get(record.user);
          if (at !== undefined) listed[at] = { user: record.user, connections: user.live.size };
        }
        if (user.first?.id === record.connectionId) {
          if (listed.length === query.limit) return { items: listed, cursor: encodeCursor(lastKey) };
          listedAt.set(record.user, listed.length);
          listed.push({ user: record.user, connections: user.live.size });
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

/** A connection id with where its last-seen record comes in the listing, computed once. */
interface ListedId {
  readonly id: string;
  readonly shard: number;
  readonly sk: Buffer;
}

const listedId = (id: string): ListedId => ({
  id,
  shard: sweepShardOf(id),
  sk: Buffer.from(keys.seen(id).sk, 'utf8'),
});

/** The listing's order of last-seen records: their shard, then their sort key's bytes. */
const compareListed = (a: ListedId, b: ListedId): number => a.shard - b.shard || Buffer.compare(a.sk, b.sk);

/** A user's live connections as one request knows them, and the first of them in the listing. */
interface UserConnections {
  readonly live: Set<string>;
  first: ListedId | undefined;
}

function addConnection(user: UserConnections, id: string): void {
  user.live.add(id);
  const added = listedId(id);
  if (!user.first || compareListed(added, user.first) < 0) user.first = added;
}

/**
 * Counted ids of one user whose last-seen record a request reads (one BatchGet): the first
 * this many in the listing's order. The user's first live connection is the first of them with
 * a record, else the first of the rest; the rest are counted without a read.
 */
const checkedPerUser = 100;

/**
 * Learns the live connections of the users of these records not met before in this request:
 * the ids their live-presence item counts, less those of the first {@link checkedPerUser} in
 * the listing's order whose last-seen record is gone (an id whose close stopped before its
 * count has none). Returns how many last-seen records it read, for the request's budget.
 */
async function addLiveConnections(
  deps: Deps,
  usersMet: Map<string, UserConnections>,
  records: readonly SeenRecord[],
): Promise<number> {
  const users = [...new Set(records.map((r) => r.user))].filter((u) => !usersMet.has(u));
  if (users.length === 0) return 0;
  const counted = await listCountedConnectionsOf(deps, users);
  const ordered = new Map<string, ListedId[]>();
  for (const user of users)
    ordered.set(user, [...new Set(counted.get(user) ?? [])].map(listedId).sort(compareListed));
  const checked = [...ordered.values()].flatMap((ids) => ids.slice(0, checkedPerUser).map((c) => c.id));
  const recorded = await filterRecordedConnections(deps, checked);
  for (const user of users) {
    const ids = ordered.get(user) as ListedId[];
    const live = ids.filter((c, n) => n >= checkedPerUser || recorded.has(c.id));
    usersMet.set(user, { live: new Set(live.map((c) => c.id)), first: live[0] });
  }
  return checked.length;
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
