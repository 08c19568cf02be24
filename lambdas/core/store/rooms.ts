import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RoomType } from '../../../protocol/http-requests.ts';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { keys } from './keys.ts';

export type { RoomType };

/** A room's settings: one life of it, named by `epoch`. */
export interface Room {
  readonly roomId: string;
  readonly name: string;
  readonly type: RoomType;
  readonly owner: string;
  /** 0 means no limit. */
  readonly maxMembers: number;
  readonly memberCount: number;
  /** Names this life of the room; a room deleted and created again gets a new one. */
  readonly epoch: number;
  readonly createdAt: number;
}

export type NewRoom = Pick<Room, 'roomId' | 'name' | 'type' | 'owner' | 'maxMembers'>;

export async function getRoom(
  deps: TableDeps,
  roomId: string,
  consistent = false,
): Promise<Room | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.room(roomId), ConsistentRead: consistent }),
  );
  return Item ? toRoom(Item) : undefined;
}

/**
 * Creates the room unless it exists; returns the room as stored either way (`created` tells
 * which). The epoch is the creation time in ms, bumped past any earlier life's epoch.
 */
export async function createRoom(
  deps: TableDeps,
  input: NewRoom,
  previousEpoch = 0,
): Promise<{ room: Room; created: boolean }> {
  const now = deps.now();
  const room: Room = { ...input, memberCount: 0, epoch: Math.max(now, previousEpoch + 1), createdAt: now };
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: { ...keys.room(input.roomId), type: 'room', roomType: room.type, ...omitType(room) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { room, created: true };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const existing = await getRoom(deps, input.roomId, true);
  if (!existing) return createRoom(deps, input, previousEpoch);
  return { room: existing, created: false };
}

export async function updateRoom(
  deps: TableDeps,
  roomId: string,
  patch: Partial<Pick<Room, 'name' | 'type' | 'maxMembers'>>,
): Promise<Room | undefined> {
  const sets: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const fields: [string, unknown][] = [
    ['name', patch.name],
    ['roomType', patch.type],
    ['maxMembers', patch.maxMembers],
  ];
  for (const [field, value] of fields) {
    if (value === undefined) continue;
    sets.push(`#${field} = :${field}`);
    names[`#${field}`] = field;
    values[`:${field}`] = value;
  }
  if (sets.length === 0) return getRoom(deps, roomId, true);
  try {
    const { Attributes } = await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.room(roomId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? toRoom(Attributes) : undefined;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** Deletes the settings item; members and subscriptions are removed by the caller. */
export async function deleteRoomSettings(deps: TableDeps, roomId: string): Promise<Room | undefined> {
  const { Attributes } = await deps.db.send(
    new DeleteCommand({ TableName: deps.config.TABLE_NAME, Key: keys.room(roomId), ReturnValues: 'ALL_OLD' }),
  );
  return Attributes ? toRoom(Attributes) : undefined;
}

/**
 * Counts a member in, unless the room is full. The condition makes the limit hold under
 * concurrent joins without a transaction. False when full (or the room is gone).
 */
export async function reserveMemberSlot(deps: TableDeps, roomId: string): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.room(roomId),
        UpdateExpression: 'ADD memberCount :one',
        ConditionExpression: 'attribute_exists(pk) AND (maxMembers = :zero OR memberCount < maxMembers)',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export async function releaseMemberSlot(deps: TableDeps, roomId: string): Promise<void> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.room(roomId),
        UpdateExpression: 'ADD memberCount :minus',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':minus': -1 },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

const omitType = ({ type, ...rest }: Room) => rest;

function toRoom(item: Record<string, unknown>): Room {
  return {
    roomId: item.roomId as string,
    name: (item.name as string) ?? (item.roomId as string),
    type: item.roomType as RoomType,
    owner: item.owner as string,
    maxMembers: (item.maxMembers as number) ?? 0,
    memberCount: (item.memberCount as number) ?? 0,
    epoch: item.epoch as number,
    createdAt: item.createdAt as number,
  };
}
