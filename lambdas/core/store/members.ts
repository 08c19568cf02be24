import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { MemberRole } from '../../../protocol/http-responses.ts';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { byUserIndex, keys } from './keys.ts';
import { decodeCursor, encodeCursor, type Page, tableKeyNames } from './paging.ts';
import { queryAll } from './query-pages.ts';
import { releaseMemberSlot, reserveMemberSlot } from './rooms.ts';

export type { MemberRole };

export interface Member {
  readonly roomId: string;
  readonly userId: string;
  readonly role: MemberRole;
  readonly joinedAt: number;
}

export type AddMemberOutcome = 'added' | 'already' | 'full';

/**
 * Makes a user a member: takes a slot (the room's limit holds under concurrent joins), then
 * writes the member item; a user who already is a member gives the slot back.
 */
export async function addMember(
  deps: TableDeps,
  roomId: string,
  userId: string,
  role: MemberRole,
): Promise<AddMemberOutcome> {
  if (await getMember(deps, roomId, userId)) return 'already';
  if (!(await reserveMemberSlot(deps, roomId))) return 'full';
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: {
          ...keys.member(roomId, userId),
          ...keys.membershipByUser(userId, roomId),
          type: 'member',
          roomId,
          userId,
          role,
          joinedAt: deps.now(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'added';
  } catch (error) {
    await releaseMemberSlot(deps, roomId);
    if (isConditionFailed(error)) return 'already';
    throw error;
  }
}

/** Ends a membership; false when the user was not a member. */
export async function removeMember(deps: TableDeps, roomId: string, userId: string): Promise<boolean> {
  const { Attributes } = await deps.db.send(
    new DeleteCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.member(roomId, userId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  if (!Attributes) return false;
  await releaseMemberSlot(deps, roomId);
  return true;
}

export async function getMember(
  deps: TableDeps,
  roomId: string,
  userId: string,
): Promise<Member | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.member(roomId, userId) }),
  );
  return Item ? toMember(Item) : undefined;
}

export async function listMembers(
  deps: TableDeps,
  roomId: string,
  options: { limit?: number; cursor?: string | null } = {},
): Promise<Page<Member>> {
  const page = await deps.db.send(
    new QueryCommand({
      TableName: deps.config.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
      ExpressionAttributeValues: { ':pk': keys.roomPartition(roomId), ':member': 'MEMBER#' },
      Limit: options.limit ?? 100,
      ExclusiveStartKey: decodeCursor(options.cursor, tableKeyNames),
    }),
  );
  return { items: (page.Items ?? []).map(toMember), cursor: encodeCursor(page.LastEvaluatedKey) };
}

/** Every member's user id, all pages (for notifications to a room's members). */
export async function listAllMemberIds(deps: TableDeps, roomId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Member> = await listMembers(deps, roomId, { limit: 1000, cursor });
    ids.push(...page.items.map((m) => m.userId));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

/** The rooms a user is a member of, by the byUser index. */
export async function listUserRoomIds(deps: TableDeps, userId: string): Promise<string[]> {
  const items = await queryAll(deps, {
    IndexName: byUserIndex,
    KeyConditionExpression: 'gsi1pk = :user',
    ExpressionAttributeValues: { ':user': keys.userRooms(userId) },
    ProjectionExpression: 'roomId',
  });
  return items.map((item) => item.roomId as string);
}

const toMember = (item: Record<string, unknown>): Member => ({
  roomId: item.roomId as string,
  userId: item.userId as string,
  role: item.role as MemberRole,
  joinedAt: item.joinedAt as number,
});
