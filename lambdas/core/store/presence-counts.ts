import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { epochSeconds, isPastExpiry, keys } from './keys.ts';

/**
 * What decides a user's `joined`, `left` and `offline`: one item per user holding the set of
 * their live connection ids (`conns`) and, per room, the set of those subscribed there
 * (`R#<room>`). The counts are the sizes of these sets. Every change is one UpdateItem on that
 * one item, which DynamoDB applies one at a time, and `ReturnValues: UPDATED_OLD` tells the
 * caller what its own change did: the set went from empty to one (first), or from exactly this
 * connection to empty (last). Sets rather than numbers make each move idempotent: adding an id
 * twice or removing it twice (a retry, two removers racing) moves the count once, and a count
 * never goes below zero. The item expires like a connection record: past it, every id it holds
 * is a connection API Gateway has closed (see `registerConnection`).
 */

/** Rooms changed by one UpdateItem: its expression stays far below DynamoDB's 4 KB. */
const roomsPerUpdate = 100;

type Sets = Record<string, Set<string> | undefined>;

/** Whether the set held exactly this one id before the change (the change emptied it). */
const wasOnly = (set: Set<string> | undefined, id: string): boolean => set?.size === 1 && set.has(id);

async function update(deps: TableDeps, input: Omit<UpdateCommand['input'], 'TableName'>): Promise<Sets> {
  const { Attributes } = await deps.db.send(
    new UpdateCommand({ TableName: deps.config.TABLE_NAME, ReturnValues: 'UPDATED_OLD', ...input }),
  );
  return (Attributes ?? {}) as Sets;
}

const freshUntil = (deps: TableDeps): number => epochSeconds(deps.now()) + deps.config.CONNECTION_TTL_SECONDS;

/**
 * Counts a connection that was just recorded; true when it is the user's first live one. An
 * item past its expiry holds only closed connections (ids whose `$disconnect` was lost and the
 * sweeper never reached): it is dropped and started afresh. Also returns the other ids it
 * holds, for the caller to check (a crash between a close and its count leaves one behind).
 */
export async function registerConnection(
  deps: TableDeps,
  userId: string,
  connectionId: string,
): Promise<{ first: boolean; others: string[] }> {
  const key = keys.livePresence(userId);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const old = await update(deps, {
        Key: key,
        UpdateExpression: 'ADD conns :c SET expiresAt = :exp, userId = :user, #type = :type',
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt > :now',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':c': new Set([connectionId]),
          ':exp': freshUntil(deps),
          ':now': epochSeconds(deps.now()),
          ':user': userId,
          ':type': 'live-presence',
        },
      });
      const others = [...(old.conns ?? [])].filter((id) => id !== connectionId);
      return { first: others.length === 0, others };
    } catch (error) {
      if (!isConditionFailed(error) || attempt >= 2) throw error;
      await deleteIf(deps, userId, 'expiresAt <= :now', { ':now': epochSeconds(deps.now()) });
    }
  }
}

/**
 * Counts a subscription of a counted connection: `first` when it is the user's first in the
 * room, `again` when the user already had one there (another tab, or this connection joining
 * twice), `unregistered` when the connection is not counted (closed meanwhile, or recorded
 * before these counts existed), in which case nothing changes.
 */
export async function countSubscription(
  deps: TableDeps,
  userId: string,
  roomId: string,
  connectionId: string,
): Promise<'first' | 'again' | 'unregistered'> {
  try {
    const old = await update(deps, {
      Key: keys.livePresence(userId),
      UpdateExpression: 'ADD #room :c',
      ConditionExpression: 'contains(conns, :id)',
      ExpressionAttributeNames: { '#room': keys.livePresenceRoom(roomId) },
      ExpressionAttributeValues: { ':c': new Set([connectionId]), ':id': connectionId },
    });
    const before = old[keys.livePresenceRoom(roomId)];
    return before === undefined || before.size === 0 ? 'first' : 'again';
  } catch (error) {
    if (isConditionFailed(error)) return 'unregistered';
    throw error;
  }
}

/** Uncounts one subscription; true when it was the user's last in the room. */
export async function uncountSubscription(
  deps: TableDeps,
  userId: string,
  roomId: string,
  connectionId: string,
): Promise<boolean> {
  const [last] = await uncount(deps, userId, connectionId, [roomId], false);
  return last.length === 1;
}

/** What closing one connection changed for its user. */
export interface PresenceChange {
  /** Rooms where it was the user's last subscription: each hears `left`. */
  readonly left: readonly string[];
  /** It was the user's last live connection: its rooms hear `offline` too. */
  readonly offline: boolean;
}

/**
 * Uncounts a closed connection and its subscriptions. Of several removers of one connection
 * (its `$disconnect`, the sweeper, a delivery that met 410), or several connections of one user
 * closing at once, exactly one sees each room empty and one sees the user go offline. A user
 * with no connection left is in no room: every room of the connection is then `left`, and the
 * item goes, with anything stale it still held.
 */
export async function uncountConnection(
  deps: TableDeps,
  userId: string,
  connectionId: string,
  rooms: readonly string[],
): Promise<PresenceChange> {
  const [left, offline] = await uncount(deps, userId, connectionId, rooms, true);
  if (!offline) return { left, offline };
  await deleteIf(deps, userId, 'attribute_not_exists(conns)', {});
  return { left: [...rooms], offline };
}

async function uncount(
  deps: TableDeps,
  userId: string,
  connectionId: string,
  rooms: readonly string[],
  connection: boolean,
): Promise<[string[], boolean]> {
  const left: string[] = [];
  let offline = false;
  // The first update carries the connection itself, so the user's offline is decided together
  // with the rooms of that update (almost always all of them).
  for (let i = 0; i === 0 || i < rooms.length; i += roomsPerUpdate) {
    const chunk = rooms.slice(i, i + roomsPerUpdate);
    const names = Object.fromEntries(chunk.map((room, n) => [`#r${n}`, keys.livePresenceRoom(room)]));
    const actions = [
      ...(connection && i === 0 ? ['conns :c'] : []),
      ...Object.keys(names).map((n) => `${n} :c`),
    ];
    if (actions.length === 0) break;
    let old: Sets;
    try {
      old = await update(deps, {
        Key: keys.livePresence(userId),
        UpdateExpression: `DELETE ${actions.join(', ')}`,
        // UpdateItem would create a missing item: nothing counted means nothing to uncount.
        ConditionExpression: 'attribute_exists(pk)',
        ...(chunk.length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: { ':c': new Set([connectionId]) },
      });
    } catch (error) {
      if (isConditionFailed(error)) break;
      throw error;
    }
    if (connection && i === 0) offline = wasOnly(old.conns, connectionId);
    for (const room of chunk) if (wasOnly(old[keys.livePresenceRoom(room)], connectionId)) left.push(room);
  }
  return [left, offline];
}

/** A user's counted connections, and per room those subscribed there (for reconciliation). */
export interface LivePresence {
  readonly connections: readonly string[];
  readonly rooms: ReadonlyMap<string, readonly string[]>;
}

/**
 * The ids of a user's counted connections, for delivering to all of them. Eventually consistent
 * (half a read unit), as the byUser index query it replaces was: a connection counted a moment
 * ago may be missed by a read that races its `$connect`, which no client can tell from a send
 * just before it connected. An item past its expiry holds only closed connections: none.
 */
export async function listCountedConnections(deps: TableDeps, userId: string): Promise<string[]> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.livePresence(userId),
      ProjectionExpression: 'conns, expiresAt',
    }),
  );
  if (!Item || isPastExpiry(Item.expiresAt, deps.now())) return [];
  return [...((Item.conns as Set<string> | undefined) ?? [])];
}

export async function getLivePresence(deps: TableDeps, userId: string): Promise<LivePresence | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.livePresence(userId),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  const prefix = keys.livePresenceRoom('');
  const rooms = new Map<string, string[]>();
  for (const [name, value] of Object.entries(Item))
    if (name.startsWith(prefix) && value instanceof Set) rooms.set(name.slice(prefix.length), [...value]);
  return { connections: [...((Item.conns as Set<string> | undefined) ?? [])], rooms };
}

async function deleteIf(
  deps: TableDeps,
  userId: string,
  condition: string,
  values: Record<string, unknown>,
): Promise<void> {
  try {
    await deps.db.send(
      new DeleteCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.livePresence(userId),
        ConditionExpression: condition,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}
