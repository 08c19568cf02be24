import type { Deps } from '../deps.ts';
import { AppError, notFound, unauthorized } from '../errors.ts';
import { emitEvents, newBusEvent } from '../events/emit.ts';
import { addMember, removeMember } from '../store/members.ts';
import { latestSeq } from '../store/room-messages.ts';
import { createRoom, getRoom, type Room } from '../store/rooms.ts';
import { subscribe, unsubscribe } from '../store/subscriptions.ts';
import type { Caller } from '../ws-event.ts';
import { requireReader } from './access-policy.ts';
import { announceMembership, roomEventsEnabled, userHasOtherSubscription } from './room-events.ts';
import { recoverRoomMessages } from './room-history.ts';

export interface JoinRoomInput {
  readonly caller: Caller;
  readonly roomId: string;
  /** The last seq the client holds; the messages after it are pushed before the reply. */
  readonly since?: number;
  /** The room life `since` belongs to. */
  readonly epoch?: number;
}

export interface JoinRoomResult {
  readonly room: string;
  readonly epoch: number;
  /** The room's latest seq when the connection was subscribed: later ones arrive live. */
  readonly seq: number;
  readonly recovered: number;
  readonly complete: boolean;
}

/**
 * Subscribes the caller's connection to a room, creating it (public, owned by the caller) when
 * it does not exist and making the caller a member of a public room. The subscription is
 * written before the latest seq is read: every message after that seq is appended after the
 * subscription exists, so its publisher delivers it here and nothing falls between recovery
 * and live delivery (a message may come both ways; clients drop duplicates by id or seq).
 */
export async function joinRoom(deps: Deps, input: JoinRoomInput): Promise<JoinRoomResult> {
  const { caller } = input;
  const { room, created } = await findOrCreateRoom(deps, input.roomId, caller.userId);
  const added = await admit(deps, room, caller);
  const change = { room: room.roomId, by: caller.userId, ts: deps.now() };
  const emitted = emitEvents(deps, [
    ...(created ? [newBusEvent(deps, 'room.created', change)] : []),
    ...(added ? [newBusEvent(deps, 'member.added', { ...change, user: caller.userId })] : []),
  ]);
  const subscribed = await subscribe(deps, room.roomId, {
    connectionId: caller.connectionId,
    userId: caller.userId,
  });
  // The connection record is gone: $disconnect or the sweeper removed it, the socket is dead.
  if (!subscribed) throw unauthorized('This connection is no longer registered; reconnect');
  // The count of the user's subscriptions here went from none to one with this join, and for
  // no other: a second tab, a repeated join or five tabs joining at once announce once. A dead
  // connection whose $disconnect was lost still counts until the sweeper prunes it.
  const announce = subscribed.firstOfUser && roomEventsEnabled(deps, room.memberCount + (added ? 1 : 0));
  const latest = await latestSeq(deps, room.roomId, room.epoch);

  const [recovery] = await Promise.all([
    recover(deps, input, room, latest),
    announce
      ? announceMembership(deps, room, {
          event: 'joined',
          userId: caller.userId,
          connectionId: caller.connectionId,
        })
      : undefined,
    emitted,
  ]);
  return { room: room.roomId, epoch: room.epoch, seq: latest, ...recovery };
}

async function recover(deps: Deps, input: JoinRoomInput, room: Room, latest: number) {
  if (input.since === undefined) return { recovered: 0, complete: true };
  // Another life of the room: its seq values say nothing about this one.
  if (input.epoch !== undefined && input.epoch !== room.epoch) return { recovered: 0, complete: false };
  return recoverRoomMessages(deps, {
    roomId: room.roomId,
    epoch: room.epoch,
    connectionId: input.caller.connectionId,
    since: input.since,
    latest,
  });
}

async function findOrCreateRoom(
  deps: Deps,
  roomId: string,
  userId: string,
): Promise<{ room: Room; created: boolean }> {
  const room = await getRoom(deps, roomId);
  if (room) return { room, created: false };
  return createRoom(deps, {
    roomId,
    name: roomId,
    type: 'public',
    owner: userId,
    maxMembers: 0,
  });
}

/**
 * Lets the caller in or throws: a private room needs an existing membership (its owner and
 * admins may always enter, without becoming members); a public room makes the caller a member,
 * unless it is full.
 * True when a membership was added.
 */
async function admit(deps: Deps, room: Room, caller: Caller): Promise<boolean> {
  if (room.type === 'private') {
    await requireReader(deps, room, caller);
    return false;
  }
  const role = room.owner === caller.userId ? 'owner' : 'member';
  const outcome = await addMember(deps, room.roomId, caller.userId, role);
  if (outcome !== 'full') return outcome === 'added';
  // A refused slot also means the room was deleted meanwhile.
  if (!(await getRoom(deps, room.roomId, true))) throw notFound(`Room "${room.roomId}" does not exist`);
  throw new AppError('ROOM_FULL', `Room "${room.roomId}" is full (${room.maxMembers} members)`, {
    maxMembers: room.maxMembers,
  });
}

/**
 * Unsubscribes the caller's connection; `member: false` also ends the membership (an owner
 * leaving stays the owner). Leaving a room one is not in, or one that does not exist, is not an
 * error. `left` is announced when the user has no other connection subscribed.
 */
export async function leaveRoom(
  deps: Deps,
  input: { caller: Caller; roomId: string; member?: boolean },
): Promise<{ room: string }> {
  const { caller, roomId } = input;
  const unsubscribed = await unsubscribe(deps, roomId, caller.connectionId);
  const endedMembership = input.member === false && (await removeMember(deps, roomId, caller.userId));
  if (endedMembership) {
    const change = { room: roomId, user: caller.userId, by: caller.userId, ts: deps.now() };
    await emitEvents(deps, [newBusEvent(deps, 'member.removed', change)]);
  }
  // Subscribed: `left` when this was the user's last subscription there (the count says so,
  // once, however many tabs leave at once). Only a membership ended: when the user has none.
  const departs = unsubscribed
    ? unsubscribed.lastOfUser
    : endedMembership && !(await userHasOtherSubscription(deps, roomId, caller.userId, caller.connectionId));
  if (departs) {
    const room = await getRoom(deps, roomId);
    if (room && roomEventsEnabled(deps, room.memberCount))
      await announceMembership(deps, room, {
        event: 'left',
        userId: caller.userId,
        connectionId: caller.connectionId,
      });
  }
  return { room: roomId };
}
