import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CreateRoomBody, UpdateRoomBody } from '../../../protocol/http-requests.ts';
import type { MemberView } from '../../../protocol/http-responses.ts';
import type { Identity } from '../auth/jwt.ts';
import { mapWithConcurrency } from '../delivery/concurrency.ts';
import { deliverToConnections } from '../delivery/deliver.ts';
import { deliverToRoom } from '../delivery/room.ts';
import type { Deps } from '../deps.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import { emitEvents, newBusEvent } from '../events/emit.ts';
import { batchDelete } from '../store/batch.ts';
import { listUserConnections } from '../store/connections.ts';
import { keys } from '../store/keys.ts';
import { addMember, getMember, removeMember } from '../store/members.ts';
import { createRoom, deleteRoomSettings, type Room, updateRoom } from '../store/rooms.ts';
import { deleteAllSubscriptions, type Subscriber, unsubscribe } from '../store/subscriptions.ts';
import { requireMembershipRemover, requireRoom, requireRoomManager } from './access-policy.ts';
import { queueDepartures } from './departures.ts';
import { type RoomView, toRoomView } from './room-view.ts';

/**
 * Room administration over the HTTP API: create, update, delete, and membership by the owner
 * or an admin. The WebSocket `join`/`leave` actions manage membership of the joiner themselves.
 */

/** 16 URL-safe characters (96 random bits): unguessable, so a private room's id does not leak it. */
const newRoomId = (): string => randomBytes(12).toString('base64url');

/**
 * Creates a room owned by the caller, who becomes its first member. An id that is taken answers
 * BAD_REQUEST (the protocol has no CONFLICT code), except to its owner: a create retried after a
 * lost response gets the room back (200 instead of 201), and the owner's membership is repaired
 * if the first attempt stopped between the two writes.
 */
export async function createRoomFor(
  deps: Deps,
  caller: Identity,
  input: CreateRoomBody,
): Promise<{ room: RoomView; created: boolean }> {
  const roomId = input.id ?? newRoomId();
  const { room, created } = await createRoom(deps, {
    roomId,
    name: input.name,
    type: input.type,
    owner: caller.userId,
    maxMembers: input.maxMembers,
  });
  if (!created && room.owner !== caller.userId) throw badRequest(`Room "${roomId}" already exists`);
  const added = (await addMember(deps, roomId, caller.userId, 'owner')) === 'added';
  const change = { room: roomId, by: caller.userId, ts: deps.now() };
  await emitEvents(deps, [
    ...(created ? [newBusEvent(deps, 'room.created', change)] : []),
    ...(added ? [newBusEvent(deps, 'member.added', { ...change, user: caller.userId })] : []),
  ]);
  return { room: toRoomView({ ...room, memberCount: room.memberCount + (added ? 1 : 0) }), created };
}

/** Lowering maxMembers below the member count keeps the members; it refuses new ones. */
export async function updateRoomFor(
  deps: Deps,
  caller: Identity,
  roomId: string,
  patch: UpdateRoomBody,
): Promise<RoomView> {
  requireRoomManager(await requireRoom(deps, roomId), caller);
  const updated = await updateRoom(deps, roomId, patch);
  if (!updated) throw notFound(`Room "${roomId}" does not exist`);
  return toRoomView(updated);
}

/**
 * Deletes a room: settings first (so no join can take a member slot any more), then every item
 * of its partition (members, read cursors), then its live subscriptions, whose connections are
 * told with a `left` event naming their own user. History is left to TTL: a room created again
 * gets a new epoch, hence a new history partition, so the old messages are never served.
 */
export async function deleteRoomFor(deps: Deps, caller: Identity, roomId: string): Promise<void> {
  const room = await requireRoom(deps, roomId);
  requireRoomManager(room, caller);
  const startedAt = deps.now();
  await deleteRoomSettings(deps, roomId);
  await deleteRoomPartition(deps, roomId, startedAt);
  const removed = await deleteAllSubscriptions(deps, roomId);
  await Promise.all([
    announceRoomDeleted(deps, room, removed),
    emitEvents(deps, [newBusEvent(deps, 'room.deleted', { room: roomId, by: caller.userId, ts: startedAt })]),
  ]);
}

export type { MemberView };

/** Adds a member (idempotent: `added: false` for one who already was); ROOM_FULL at the limit. */
export async function putRoomMember(
  deps: Deps,
  caller: Identity,
  roomId: string,
  userId: string,
): Promise<{ member: MemberView; added: boolean }> {
  const room = await requireRoom(deps, roomId);
  requireRoomManager(room, caller);
  const outcome = await addMember(deps, roomId, userId, 'member');
  if (outcome === 'full') {
    throw new AppError('ROOM_FULL', `Room "${roomId}" is full (${room.maxMembers} members)`);
  }
  const member = await getMember(deps, roomId, userId);
  if (outcome === 'added') {
    await emitEvents(deps, [
      newBusEvent(deps, 'member.added', { room: roomId, user: userId, by: caller.userId, ts: deps.now() }),
    ]);
  }
  return {
    member: {
      room: roomId,
      user: userId,
      role: member?.role ?? 'member',
      joinedAt: member?.joinedAt ?? deps.now(),
    },
    added: outcome === 'added',
  };
}

/**
 * Ends a membership (idempotent: a user who was not a member is no error). The owner, an admin
 * or the user themselves may; the owner cannot be removed, since a room always has one. The
 * room sees a `left` event (the removed user's own connections too, before they stop
 * listening), and the user's live subscriptions to the room end.
 */
export async function removeRoomMember(
  deps: Deps,
  caller: Identity,
  roomId: string,
  userId: string,
): Promise<void> {
  const room = await requireRoom(deps, roomId);
  requireMembershipRemover(room, caller, userId);
  if (userId === room.owner) throw badRequest(`The owner of room "${roomId}" cannot be removed`);
  const removed = await removeMember(deps, roomId, userId);
  const emitted = removed
    ? emitEvents(deps, [
        newBusEvent(deps, 'member.removed', {
          room: roomId,
          user: userId,
          by: caller.userId,
          ts: deps.now(),
        }),
      ])
    : undefined;
  if (removed && room.memberCount <= deps.config.ROOM_EVENTS_MAX_MEMBERS) {
    const report = await deliverToRoom(deps, roomId, leftEvent(roomId, userId, deps.now()));
    await queueDepartures(deps, report.removed);
  }
  const connectionIds = await listUserConnections(deps, userId);
  await mapWithConcurrency(connectionIds, 8, (connectionId) => unsubscribe(deps, roomId, connectionId));
  await emitted;
}

const leftEvent = (room: string, user: string, ts: number): string =>
  JSON.stringify({ type: 'event', event: 'left', room, user, ts });

/**
 * Every item of the room's partition (members, read cursors), page by page. A `join` racing the
 * deletion may already have started the room's next life: its settings and the members who
 * joined after the deletion began are kept.
 */
async function deleteRoomPartition(deps: Deps, roomId: string, startedAt: number): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.config.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.roomPartition(roomId) },
        ProjectionExpression: 'pk, sk, joinedAt',
        ExclusiveStartKey: startKey,
      }),
    );
    const stale = (page.Items ?? []).filter(
      (item) => item.sk !== 'META' && !(typeof item.joinedAt === 'number' && item.joinedAt >= startedAt),
    );
    await batchDelete(
      deps,
      stale.map(({ pk, sk }) => ({ pk, sk })),
    );
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/**
 * Tells each former subscriber's connections that their user left the room. Rooms above
 * ROOM_EVENTS_MAX_MEMBERS are not told, as they see no `joined`/`left` events at all.
 */
async function announceRoomDeleted(deps: Deps, room: Room, removed: readonly Subscriber[]): Promise<void> {
  const limit = deps.config.ROOM_EVENTS_MAX_MEMBERS;
  if (removed.length === 0 || room.memberCount > limit || removed.length > limit) return;
  const byUser = new Map<string, string[]>();
  for (const { userId, connectionId } of removed)
    byUser.set(userId, [...(byUser.get(userId) ?? []), connectionId]);
  const ts = deps.now();
  const reports = await mapWithConcurrency([...byUser], 8, ([userId, connectionIds]) =>
    deliverToConnections(deps, leftEvent(room.roomId, userId, ts), connectionIds),
  );
  // Their subscriptions to this room are gone already; their other rooms hear of them.
  await queueDepartures(
    deps,
    reports.flatMap((report) => report.removed),
  );
}
