import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { batchDelete, UnprocessedItemsError } from './batch.ts';
import { epochSeconds, isPastExpiry, keys } from './keys.ts';
import { listCountedConnections, type PresenceChange, uncountConnection } from './presence-counts.ts';

/** A live WebSocket connection as stored in the table. */
export interface ConnectionRecord {
  readonly connectionId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  readonly device?: string;
  readonly connectedAt: number;
  /**
   * When a heartbeat last moved it on. The heartbeats write the connection's last-seen record
   * (keys.seen), not this one: here it is the connection time, except on a record
   * `removeConnection` returns, which carries the last-seen record's time.
   */
  readonly lastSeenAt: number;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** Epoch seconds; DynamoDB TTL removes records whose `$disconnect` never came. */
  readonly expiresAt: number;
  /** Rooms this connection is subscribed to, so closing it can remove the subscriptions. */
  readonly rooms: readonly string[];
}

type NewConnection = Omit<ConnectionRecord, 'expiresAt' | 'lastSeenAt' | 'rooms'> & {
  /**
   * When the credential presented at `$connect` expires (epoch ms). Kept in the last-seen
   * record, which the sweeper reads anyway, not here (credential-expiry.ts).
   */
  readonly credentialExpiresAt?: number;
};

/**
 * Records a connection and its last-seen record. The last-seen record goes first: a failure
 * between the two leaves a last-seen record the sweeper finds gone (the handshake failed),
 * never a connection the sweeper cannot find. The last-seen record carries the user, which the
 * broadcast and `GET /online` read from it; the connection record is in no index (a user's
 * connections are in their live-presence item, presence-counts.ts), so each is one write unit.
 */
export async function putConnection(deps: TableDeps, input: NewConnection): Promise<ConnectionRecord> {
  const { credentialExpiresAt, ...connection } = input;
  const record: ConnectionRecord = {
    ...connection,
    rooms: [],
    lastSeenAt: connection.connectedAt,
    expiresAt: epochSeconds(connection.connectedAt) + deps.config.CONNECTION_TTL_SECONDS,
  };
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.seen(connection.connectionId),
        connectionId: connection.connectionId,
        userId: connection.userId,
        lastSeenAt: record.lastSeenAt,
        expiresAt: record.expiresAt,
        ...(credentialExpiresAt === undefined ? {} : { credentialExpiresAt }),
      },
    }),
  );
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: {
        ...keys.connection(connection.connectionId),
        type: 'connection',
        ...record,
        // An empty set cannot be stored; `rooms` appears with the first subscription.
        rooms: undefined,
      },
    }),
  );
  return record;
}

export async function getConnection(
  deps: TableDeps,
  connectionId: string,
  consistent = false,
): Promise<ConnectionRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.connection(connectionId),
      ConsistentRead: consistent,
    }),
  );
  if (!Item || isPastExpiry(Item.expiresAt, deps.now())) return undefined;
  return toRecord(Item);
}

/**
 * The longest a handshake runs after its `connectedAt`: the authorizer and `$connect`, up to 29 s
 * each (API Gateway's integration timeout). A connection younger than this may still be in
 * `$connect`, when API Gateway answers a post with 410 although the socket is about to open.
 */
export const handshakeMaxMs = 60_000;

export interface RemoveOptions {
  /**
   * Only a connection opened before this (epoch ms) is removed; a younger one is left as it is
   * (undefined is returned, as for one already gone). For a 410 from a post, which a connection
   * still in `$connect` also gets: see {@link handshakeMaxMs}.
   */
  readonly openedBefore?: number;
}

/** Removes the record and returns what it held (undefined when it was already gone, or too young to remove). */
export async function deleteConnection(
  deps: Pick<TableDeps, 'config' | 'db'>,
  connectionId: string,
  options: RemoveOptions = {},
): Promise<ConnectionRecord | undefined> {
  const { openedBefore } = options;
  try {
    const { Attributes } = await deps.db.send(
      new DeleteCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.connection(connectionId),
        ReturnValues: 'ALL_OLD',
        ...(openedBefore === undefined
          ? {}
          : {
              ConditionExpression: 'connectedAt < :before',
              ExpressionAttributeValues: { ':before': openedBefore },
            }),
      }),
    );
    return Attributes ? toRecord(Attributes) : undefined;
  } catch (error) {
    // Gone already, or too young: nothing was removed.
    if (openedBefore !== undefined && isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** A connection `removeConnection` removed, with what its removal changed for its user. */
export interface RemovedConnection extends ConnectionRecord {
  readonly presence: PresenceChange;
}

/** Removes a connection's last-seen record, returning its time (undefined when it was gone). */
export async function deleteLastSeen(
  deps: Pick<TableDeps, 'config' | 'db'>,
  connectionId: string,
): Promise<number | undefined> {
  const { Attributes } = await deps.db.send(
    new DeleteCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.seen(connectionId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  return Attributes?.lastSeenAt as number | undefined;
}

/**
 * Removes a connection and everything hanging off it (its last-seen record, its
 * subscriptions), returning the record it held, with the last-seen record's time. The delete returns the record to one caller only, so when `$disconnect`, the
 * sweeper and a delivery that met a 410 remove the same connection at once, exactly one of
 * them gets it back (and with it the duty to announce the departure); the others get undefined.
 * That one uncounts it (presence-counts.ts), which decides the `left` and `offline` to announce.
 */
export async function removeConnection(
  deps: TableDeps,
  connectionId: string,
  options: RemoveOptions = {},
): Promise<RemovedConnection | undefined> {
  const record = await deleteConnection(deps, connectionId, options);
  if (!record) return undefined;
  // After the record: a failure between the two leaves a last-seen record the sweeper finds
  // gone, and removes (its connection record already was).
  const lastSeenAt = Math.max(record.lastSeenAt, (await deleteLastSeen(deps, connectionId)) ?? 0);
  const removed = { ...record, lastSeenAt };
  try {
    await batchDelete(
      deps,
      removed.rooms.map((room) => keys.subscription(room, connectionId)),
    );
  } catch (error) {
    // Throttling left some subscriptions: they expire with the connection (their `expiresAt`),
    // and a post to them meets 410 meanwhile. The count must still move, or this caller, the
    // only one the record came back to, would announce no `left` and `offline` at all.
    if (!(error instanceof UnprocessedItemsError)) throw error;
  }
  const presence = await uncountConnection(deps, removed.userId, connectionId, removed.rooms);
  return { ...removed, presence };
}

/**
 * Moves the connection's last-seen record on: one write unit, as the record is small and in no
 * index. The condition keeps a late ping from recreating the record of a closed connection.
 * False when it is gone.
 */
export async function touchConnection(deps: TableDeps, connectionId: string): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.seen(connectionId),
        UpdateExpression: 'SET lastSeenAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': deps.now() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Every live connection of a user (all devices and tabs): the ids their live-presence item
 * counts (presence-counts.ts). An id whose close stopped before its count is still there until
 * the user's next connect settles it: a post to it meets 410, which removes what is left.
 */
export async function listUserConnections(deps: TableDeps, userId: string): Promise<string[]> {
  return listCountedConnections(deps, userId);
}

function toRecord(item: Record<string, unknown>): ConnectionRecord {
  return {
    connectionId: item.connectionId as string,
    userId: item.userId as string,
    roles: (item.roles as string[] | undefined) ?? [],
    device: item.device as string | undefined,
    connectedAt: item.connectedAt as number,
    lastSeenAt: item.lastSeenAt as number,
    sourceIp: item.sourceIp as string | undefined,
    userAgent: item.userAgent as string | undefined,
    expiresAt: item.expiresAt as number,
    rooms: item.rooms instanceof Set ? [...(item.rooms as Set<string>)] : [],
  };
}
