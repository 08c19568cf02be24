import type { RoomEventFrame } from '../../../protocol/events.ts';
import { deliverToRoom } from '../delivery/room.ts';
import type { Deps } from '../deps.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import type { Room } from '../store/rooms.ts';
import { listSubscribers, type Subscriber } from '../store/subscriptions.ts';
import type { Caller } from '../ws-event.ts';
import { requireRoom, requireTypist } from './access-policy.ts';
import { queueDepartures } from './departures.ts';

/**
 * Ephemeral room events. Rooms with more than ROOM_EVENTS_MAX_MEMBERS members get none of
 * joined, left, read or typing: in a live-stream channel with 100,000 viewers each of them
 * would be a broadcast storm that no client wants to render.
 */
export const roomEventsEnabled = (deps: Deps, memberCount: number): boolean =>
  memberCount <= deps.config.ROOM_EVENTS_MAX_MEMBERS;

/**
 * Sends an event to the room's subscribers except the connection that caused it. Best-effort:
 * the action that caused it (a join, a receipt) has happened by now, and failing it over an
 * ephemeral event would make the client retry what already succeeded. Failures are logged.
 */
export async function emitRoomEvent(
  deps: Deps,
  roomId: string,
  frame: RoomEventFrame,
  exceptConnectionId: string,
  subscribers?: readonly Subscriber[],
): Promise<void> {
  try {
    const report = await deliverToRoom(deps, roomId, JSON.stringify(frame), {
      exceptConnectionId,
      subscribers,
    });
    await queueDepartures(deps, report.removed);
  } catch (error) {
    count('InternalErrors');
    logger.warn('Room event not delivered', { roomId, event: frame.event, error: error as Error });
  }
}

/**
 * Whether the user has a live subscription in the room other than `exceptConnectionId`. The
 * joined and left events describe users, not connections: a second tab joining does not
 * announce the user again, and closing one of two tabs does not announce a departure. Only
 * called for rooms small enough to have events, so reading the subscriber list stays cheap.
 */
export async function userHasOtherSubscription(
  deps: Deps,
  roomId: string,
  userId: string,
  exceptConnectionId?: string,
): Promise<boolean> {
  const subscribers = await listSubscribers(deps, roomId);
  return subscribers.some((s) => s.userId === userId && s.connectionId !== exceptConnectionId);
}

/** `joined` or `left` for a user, to the room's other subscribers. */
export async function announceMembership(
  deps: Deps,
  room: Pick<Room, 'roomId'>,
  input: { event: 'joined' | 'left'; userId: string; connectionId: string },
): Promise<void> {
  const frame: RoomEventFrame = {
    type: 'event',
    event: input.event,
    room: room.roomId,
    user: input.userId,
    ts: deps.now(),
  };
  await emitRoomEvent(deps, room.roomId, frame, input.connectionId);
}

/**
 * Relays a typing indicator to the room's other subscribers; nothing is stored. Only a
 * subscribed connection may type (access-policy.ts). The subscriber list the event goes to is
 * read first and the typist's subscription is looked for in it, so a typing frame reads the
 * room and one subscriber page, not the subscription item besides. A room too large for events
 * reads only the subscription item, to refuse a typist who is not in it.
 */
export async function relayTyping(
  deps: Deps,
  input: { caller: Caller; roomId: string; state: 'start' | 'stop' },
): Promise<void> {
  const room = await requireRoom(deps, input.roomId);
  if (!roomEventsEnabled(deps, room.memberCount)) {
    await requireTypist(deps, room, input.caller);
    return;
  }
  const subscribers = await listSubscribers(deps, room.roomId);
  await requireTypist(deps, room, input.caller, subscribers);
  const frame: RoomEventFrame = {
    type: 'event',
    event: 'typing',
    room: room.roomId,
    user: input.caller.userId,
    state: input.state,
    ts: deps.now(),
  };
  await emitRoomEvent(deps, room.roomId, frame, input.caller.connectionId, subscribers);
}
