import type { RoomEventFrame } from '../../../protocol/events.ts';
import type { Deps } from '../deps.ts';
import { advanceReadCursor } from '../store/read-cursors.ts';
import { latestSeq } from '../store/room-messages.ts';
import { listSubscribers } from '../store/subscriptions.ts';
import type { Caller } from '../ws-event.ts';
import { requireParticipant, requireRoom } from './access-policy.ts';
import { emitRoomEvent, roomEventsEnabled } from './room-events.ts';

/**
 * Moves the user's read cursor forward to `upTo` and tells the room. The cursor is clamped to
 * the room's latest seq, so that reading "everything" with a large number cannot hide
 * messages published later. A receipt that would move the cursor backwards changes nothing
 * and emits no event; the reply still gives the unread count from where the cursor stands.
 */
export async function markRead(
  deps: Deps,
  input: { caller: Caller; roomId: string; upTo: number },
): Promise<{ unread: number }> {
  const room = await requireRoom(deps, input.roomId);
  const events = roomEventsEnabled(deps, room.memberCount);
  const subscribers = events && room.type === 'public' ? await listSubscribers(deps, room.roomId) : undefined;
  await requireParticipant(deps, room, input.caller, subscribers);
  const latest = await latestSeq(deps, room.roomId, room.epoch);
  const upTo = Math.min(input.upTo, latest);
  const cursor = await advanceReadCursor(deps, {
    roomId: room.roomId,
    userId: input.caller.userId,
    epoch: room.epoch,
    upTo,
  });
  if (cursor === upTo && events) {
    const frame: RoomEventFrame = {
      type: 'event',
      event: 'read',
      room: room.roomId,
      user: input.caller.userId,
      upTo: cursor,
      ts: deps.now(),
    };
    // The user's other tabs get it too: it is how they clear their own unread badge.
    await emitRoomEvent(deps, room.roomId, frame, input.caller.connectionId, subscribers);
  }
  return { unread: Math.max(0, latest - cursor) };
}
