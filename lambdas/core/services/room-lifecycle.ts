import { dataBytes } from '../../../protocol/limits.ts';
import type { LifecycleKind } from '../../../protocol/server-frames.ts';
import { deliverToRoom } from '../delivery/room.ts';
import type { Deps } from '../deps.ts';
import { forbidden, notFound, payloadTooLarge } from '../errors.ts';
import { newMessageId } from '../ids.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import {
  appendRoomMessage,
  applyToRoomMessage,
  getRoomMessage,
  type RoomMessage,
} from '../store/room-messages.ts';
import type { Caller } from '../ws-event.ts';
import { isOwnerOrAdmin, requireParticipant, requireRoom } from './access-policy.ts';
import { queueDepartures } from './departures.ts';
import { toMessageFrame } from './room-history.ts';

export interface EditInput {
  readonly caller: Caller;
  readonly roomId: string;
  readonly seq: number;
  readonly data: unknown;
}

export interface DeleteInput {
  readonly caller: Caller;
  readonly roomId: string;
  readonly seq: number;
}

/** The reply to `edit`, `delete` and `react`: the seq of the new room entry. */
export interface LifecycleResult {
  readonly seq: number;
}

/**
 * The author replaces a room message's `data`. The edit is a room entry of its own (next seq,
 * delivered live, replayed by `join {since}`); the target then carries the new `data` and
 * `editedAt`. Order: the entry is stored first, then the target updated. A crash between the
 * two leaves the history showing the old `data` while the entry (and so every client that
 * applies entries) has the new: a client that replays wins; no count is involved.
 */
export async function editRoomMessage(deps: Deps, input: EditInput): Promise<LifecycleResult> {
  const limit = deps.config.MAX_DATA_BYTES;
  if (dataBytes(input.data) > limit) throw payloadTooLarge(limit);
  const room = await requireRoom(deps, input.roomId);
  await requireParticipant(deps, room, input.caller);
  const target = await requireTarget(deps, room.roomId, room.epoch, input.seq);
  if (target.from !== input.caller.userId) throw forbidden('Only the author edits a message');
  // screen: content-screen (issue 14) — the integrator calls
  // screenContent(deps, { action: 'edit', from: input.caller.userId, room: room.roomId, data: input.data }) here.
  const entry = await appendEntry(
    deps,
    room.roomId,
    room.epoch,
    input.caller.userId,
    'edit',
    input.seq,
    input.data,
  );
  await applyToRoomMessage(deps, {
    roomId: room.roomId,
    epoch: room.epoch,
    target: input.seq,
    change: { edit: input.data, at: entry.ts, seq: entry.seq },
  });
  await deliver(deps, entry);
  return { seq: entry.seq };
}

/** The author, the room's owner or an admin deletes a room message; see {@link editRoomMessage}. */
export async function deleteRoomMessage(deps: Deps, input: DeleteInput): Promise<LifecycleResult> {
  const room = await requireRoom(deps, input.roomId);
  await requireParticipant(deps, room, input.caller);
  const target = await requireTarget(deps, room.roomId, room.epoch, input.seq);
  if (target.from !== input.caller.userId && !isOwnerOrAdmin(room, input.caller))
    throw forbidden("Only the author, the room's owner or an admin deletes a message");
  const entry = await appendEntry(
    deps,
    room.roomId,
    room.epoch,
    input.caller.userId,
    'delete',
    input.seq,
    null,
  );
  await applyToRoomMessage(deps, {
    roomId: room.roomId,
    epoch: room.epoch,
    target: input.seq,
    change: 'delete',
  });
  await deliver(deps, entry);
  return { seq: entry.seq };
}

/** An ordinary message of this life of the room that is not deleted, else NOT_FOUND. */
async function requireTarget(deps: Deps, roomId: string, epoch: number, seq: number): Promise<RoomMessage> {
  const target = await getRoomMessage(deps, roomId, epoch, seq);
  if (!target || target.kind || target.deleted) throw notFound(`No message ${seq} in room ${roomId}`);
  return target;
}

const appendEntry = (
  deps: Deps,
  roomId: string,
  epoch: number,
  from: string,
  kind: LifecycleKind,
  target: number,
  data: unknown,
): Promise<RoomMessage> => {
  const now = deps.now();
  return appendRoomMessage(deps, { roomId, epoch, from, data, kind, target, id: newMessageId(now), ts: now });
};

async function deliver(deps: Deps, entry: RoomMessage): Promise<void> {
  try {
    const report = await deliverToRoom(deps, entry.room, JSON.stringify(toMessageFrame(entry)));
    await queueDepartures(deps, report.removed);
  } catch (error) {
    // Stored all the same, as a publish: subscribers see the gap and recover it.
    count('InternalErrors');
    logger.error('Room delivery failed after the entry was stored', {
      roomId: entry.room,
      seq: entry.seq,
      error: error as Error,
    });
  }
}
