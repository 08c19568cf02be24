import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { batchDelete } from './batch.ts';
import { byUserIndex, epochSeconds, keys, lastSeenShards } from './keys.ts';
import { queryAll } from './query-pages.ts';

/** A live WebSocket connection as stored in the table. */
export interface ConnectionRecord {
  readonly connectionId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  readonly device?: string;
  readonly connectedAt: number;
  readonly lastSeenAt: number;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** Epoch seconds; DynamoDB TTL removes records whose `$disconnect` never came. */
  readonly expiresAt: number;
  /** Rooms this connection is subscribed to, so closing it can remove the subscriptions. */
  readonly rooms: readonly string[];
  /** When the connection's credential expires (epoch ms); `refresh` moves it. */
  readonly credentialExpiresAt?: number;
}

type NewConnection = Omit<ConnectionRecord, 'expiresAt' | 'lastSeenAt' | 'rooms'>;

export async function putConnection(deps: TableDeps, connection: NewConnection): Promise<ConnectionRecord> {
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
        ...keys.connection(connection.connectionId),
        ...keys.connectionByUser(connection.userId, connection.connectionId),
        ...lastSeenIndexKeys(connection.connectionId, connection.connectedAt),
        ...(connection.credentialExpiresAt === undefined
          ? {}
          : credentialExpiryIndexKeys(connection.connectionId, connection.credentialExpiresAt)),
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
): Promise<ConnectionRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.connection(connectionId) }),
  );
  if (!Item || isExpired(Item.expiresAt, deps.now())) return undefined;
  return toRecord(Item);
}

/** Removes the record and returns what it held (undefined when it was already gone). */
export async function deleteConnection(
  deps: Pick<TableDeps, 'config' | 'db'>,
  connectionId: string,
): Promise<ConnectionRecord | undefined> {
  const { Attributes } = await deps.db.send(
    new DeleteCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.connection(connectionId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  return Attributes ? toRecord(Attributes) : undefined;
}

/**
 * Removes a connection and everything hanging off it (its subscriptions), returning the record
 * it held. The delete returns the record to one caller only, so when `$disconnect`, the
 * sweeper and a delivery that met a 410 remove the same connection at once, exactly one of
 * them gets it back (and with it the duty to announce the departure); the others get undefined.
 */
export async function removeConnection(
  deps: Pick<TableDeps, 'config' | 'db'>,
  connectionId: string,
): Promise<ConnectionRecord | undefined> {
  const removed = await deleteConnection(deps, connectionId);
  if (!removed) return undefined;
  await batchDelete(
    deps,
    removed.rooms.map((room) => keys.subscription(room, connectionId)),
  );
  return removed;
}

/** Moves last-seen on; the condition keeps a late ping from recreating a deleted record. */
export async function touchConnection(deps: TableDeps, connectionId: string): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.connection(connectionId),
        UpdateExpression: 'SET lastSeenAt = :now, gsi2sk = :sweepKey',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':now': deps.now(),
          ':sweepKey': lastSeenIndexKeys(connectionId, deps.now()).gsi2sk,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Moves the connection's credential expiry (a `refresh`). The condition keeps it to a live
 * record of the same user, so a refresh never recreates a closed connection. False when the
 * record is gone or belongs to someone else.
 */
export async function moveCredentialExpiry(
  deps: TableDeps,
  connectionId: string,
  userId: string,
  credentialExpiresAt: number,
): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.connection(connectionId),
        UpdateExpression: 'SET credentialExpiresAt = :expiry, gsi3pk = :shard, gsi3sk = :sweepKey',
        ConditionExpression: 'attribute_exists(pk) AND userId = :user',
        ExpressionAttributeValues: {
          ':expiry': credentialExpiresAt,
          ':shard': credentialExpiryIndexKeys(connectionId, credentialExpiresAt).gsi3pk,
          ':sweepKey': credentialExpiryIndexKeys(connectionId, credentialExpiresAt).gsi3sk,
          ':user': userId,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Every live connection of a user (all devices and tabs), by the byUser index. */
export async function listUserConnections(deps: TableDeps, userId: string): Promise<string[]> {
  const items = await queryAll(deps, {
    IndexName: byUserIndex,
    KeyConditionExpression: 'gsi1pk = :user',
    // TTL deletes late: a record past its expiry is a connection that is gone.
    FilterExpression: 'expiresAt > :now',
    ExpressionAttributeValues: { ':user': keys.userConnections(userId), ':now': epochSeconds(deps.now()) },
    ProjectionExpression: 'connectionId',
  });
  return items.map((item) => item.connectionId as string);
}

const isExpired = (expiresAt: unknown, nowMs: number): boolean =>
  typeof expiresAt === 'number' && expiresAt <= epochSeconds(nowMs);

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
    credentialExpiresAt: item.credentialExpiresAt as number | undefined,
  };
}

/**
 * Keys of the sparse byLastSeen index: a shard picked from the connection id (so no index
 * partition runs hot) and the last-seen time, zero-padded so text order is time order.
 */
export function lastSeenIndexKeys(
  connectionId: string,
  lastSeenAt: number,
): { gsi2pk: string; gsi2sk: string } {
  return { gsi2pk: `SWEEP#${sweepShardOf(connectionId)}`, gsi2sk: String(lastSeenAt).padStart(15, '0') };
}

/** Keys of the sparse byCredentialExpiry index: the same shard, and the credential expiry. */
export function credentialExpiryIndexKeys(
  connectionId: string,
  credentialExpiresAt: number,
): { gsi3pk: string; gsi3sk: string } {
  return {
    gsi3pk: `EXPIRY#${sweepShardOf(connectionId)}`,
    gsi3sk: String(credentialExpiresAt).padStart(15, '0'),
  };
}

function sweepShardOf(connectionId: string): number {
  let hash = 0;
  for (let i = 0; i < connectionId.length; i += 1) hash = (hash * 31 + connectionId.charCodeAt(i)) >>> 0;
  return hash % lastSeenShards;
}
