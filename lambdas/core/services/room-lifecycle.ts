import { dataBytes } from '../../../protocol/limits.ts';
import type { LifecycleKind } from '../../../protocol/server-frames.ts';
import { deliverToRoom } from '../delivery/room.ts';
import type { Deps } from '../deps.ts';
import { AppError, forbidden, notFound, payloadTooLarge } from '../errors.ts';
import { announceRoomMessage } from '../events/announce.ts';
import { newMessageId } from '../ids.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import {
  acquireIdempotencyKey,
  completeIdempotencyKey,
  forgetIdempotencyKey,
  IdempotencyOwnershipLostError,
  idempotencyKeyBusy,
  idempotencyLeaseMs,
  releaseIdempotencyKey,
  reserveIdempotentSeq,
} from '../store/idempotency.ts';
import { epochSeconds, type IdempotencyScope } from '../store/keys.ts';
import {
  finishAdding,
  finishRemoving,
  getReactionMarker,
  type ReactionKey,
  reserveMarkerSeq,
  startAdding,
  startRemoving,
  takeOverMarker,
} from '../store/reactions.ts';
import {
  appendRoomMessage,
  applyToRoomMessage,
  getRoomMessage,
  moveReactionCount,
  type RoomMessage,
  roomMessageIdAt,
} from '../store/room-messages.ts';
import type { Caller } from '../ws-event.ts';
import { isOwnerOrAdmin, requireParticipant, requireRoom } from './access-policy.ts';
import { screenContent } from './content-screen.ts';
import { queueDepartures } from './departures.ts';
import { deleteMessageFiles } from './files.ts';
import { toMessageFrame } from './room-history.ts';

export interface EditInput {
  readonly caller: Caller;
  readonly roomId: string;
  readonly seq: number;
  readonly data: unknown;
  /** Client idempotency key. */
  readonly id?: string;
}

export interface DeleteInput {
  readonly caller: Caller;
  readonly roomId: string;
  readonly seq: number;
  /** Client idempotency key. */
  readonly id?: string;
}

export interface ReactInput {
  readonly caller: Caller;
  readonly roomId: string;
  readonly seq: number;
  readonly reaction: string;
  /** False removes the caller's reaction. */
  readonly on: boolean;
  /** Client idempotency key. */
  readonly id?: string;
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
  const targetRead = readEarly(requireTarget(deps, room.roomId, room.epoch, input.seq));
  await requireParticipant(deps, room, input.caller);
  // Screened as a publish is, before anything is stored (the idempotency key included).
  const data = await screenContent(deps, {
    action: 'edit',
    from: input.caller.userId,
    room: room.roomId,
    data: input.data,
  });
  const place = { roomId: room.roomId, epoch: room.epoch };
  return once(deps, scopeOf(input.caller, 'edit', room.roomId), input.id, place, async (slot) => {
    const entry =
      (await storedEarlier(deps, place, slot)) ??
      (await (async () => {
        const target = await targetRead;
        if (target.from !== input.caller.userId) throw forbidden('Only the author edits a message');
        return appendEntry(deps, place, slot, input.caller.userId, 'edit', input.seq, data);
      })());
    await applyToRoomMessage(deps, {
      ...place,
      target: input.seq,
      change: { edit: entry.data, at: entry.ts, seq: entry.seq },
    });
    await deliver(deps, entry);
    return entry.seq;
  });
}

/**
 * The author, the room's owner or an admin deletes a room message, and its files with it; see
 * {@link editRoomMessage} and {@link deleteMessageFiles}.
 */
export async function deleteRoomMessage(deps: Deps, input: DeleteInput): Promise<LifecycleResult> {
  const room = await requireRoom(deps, input.roomId);
  const targetRead = readEarly(requireTarget(deps, room.roomId, room.epoch, input.seq));
  await requireParticipant(deps, room, input.caller);
  const place = { roomId: room.roomId, epoch: room.epoch };
  return once(deps, scopeOf(input.caller, 'delete', room.roomId), input.id, place, async (slot) => {
    const entry =
      (await storedEarlier(deps, place, slot)) ??
      (await (async () => {
        const target = await targetRead;
        if (target.from !== input.caller.userId && !isOwnerOrAdmin(room, input.caller))
          throw forbidden("Only the author, the room's owner or an admin deletes a message");
        // Its files go first: a stored delete entry means they are gone (files.ts).
        await deleteMessageFiles(deps, room.roomId, target);
        return appendEntry(deps, place, slot, input.caller.userId, 'delete', input.seq, null);
      })());
    await applyToRoomMessage(deps, { ...place, target: input.seq, change: 'delete' });
    await deliver(deps, entry);
    return entry.seq;
  });
}

/** Where a lifecycle entry goes: this life of the room. */
interface Place {
  readonly roomId: string;
  readonly epoch: number;
}

/**
 * The identity an attempt stores its entry under: a fresh one without `id`; with `id`, the one
 * its idempotency key holds, the seq a dead earlier attempt reserved (`reservedSeq`) and the
 * reservation of each seq on the key (`reserve`), as `publish` does.
 */
interface Slot {
  readonly messageId: string;
  readonly ts: number;
  readonly reservedSeq?: number;
  readonly reserve?: (seq: number) => Promise<void>;
}

const scopeOf = (caller: Caller, kind: 'edit' | 'delete' | 'react', room: string): IdempotencyScope => ({
  user: caller.userId,
  kind,
  room,
});

/**
 * Runs `run` once per idempotency key, as `publish` does (room-publish.ts): a retry with the same
 * `id` answers the first attempt's seq and stores nothing; one that finds the first attempt
 * still running waits, then answers `RATE_LIMITED`; one that takes over a dead attempt's key
 * runs again with its slot, so its entry is stored once. A refusal (an AppError) forgets the
 * key: a refused frame leaves nothing behind, and its retry is judged afresh.
 */
async function once(
  deps: Deps,
  scope: IdempotencyScope,
  id: string | undefined,
  place: Place,
  run: (slot: Slot) => Promise<number>,
): Promise<LifecycleResult> {
  const now = deps.now();
  const fresh = { messageId: newMessageId(now), ts: now };
  if (id === undefined) return { seq: await run(fresh) };
  const acquired = await acquireIdempotencyKey(deps, scope, id, fresh, {
    leaseMs: idempotencyLeaseMs.publish,
  });
  if (acquired.state === 'done' && acquired.result.seq !== undefined) return { seq: acquired.result.seq };
  if (acquired.state !== 'owner') {
    // Still running after the wait: its entry may be stored already (answer it), else retry.
    const { messageId, seq } = acquired.result;
    if (seq !== undefined && (await roomMessageIdAt(deps, place.roomId, place.epoch, seq)) === messageId)
      return { seq };
    throw idempotencyKeyBusy(acquired.state === 'busy' ? acquired.retryAfterMs : 100);
  }
  const { owner, result } = acquired;
  let seq: number;
  try {
    seq = await run({
      messageId: result.messageId,
      ts: result.ts,
      reservedSeq: acquired.takeover ? result.seq : undefined,
      reserve: (at) => reserveIdempotentSeq(deps, scope, id, owner, at),
    });
  } catch (error) {
    // This attempt outlived its lease and a retry took over: that retry finishes.
    if (error instanceof IdempotencyOwnershipLostError) throw idempotencyKeyBusy(100);
    if (error instanceof AppError) await forgetIdempotencyKey(deps, scope, id, owner);
    else await releaseIdempotencyKey(deps, scope, id, owner);
    throw error;
  }
  await completeIdempotencyKey(deps, scope, id, owner, { seq });
  return { seq };
}

/** The entry a dead earlier attempt with this key stored at the seq it reserved, if it did. */
async function storedEarlier(deps: Deps, place: Place, slot: Slot): Promise<RoomMessage | undefined> {
  if (slot.reservedSeq === undefined) return undefined;
  const found = await getRoomMessage(deps, place.roomId, place.epoch, slot.reservedSeq);
  return found?.id === slot.messageId ? found : undefined;
}

/**
 * Adds (or with `on: false` removes) the caller's reaction to a room message: one of each
 * reaction per user, so a react that would change nothing stores nothing. A duplicate `on`
 * answers the seq of the entry that added the reaction; an `off` of a reaction the caller does
 * not hold answers NOT_FOUND. Order of the writes: the caller's marker (conditional put, or its
 * move to `removing`), then the entry, then the marker's end state (`held`, or deleted), then
 * the target's count. A crash before the marker's end state leaves it owned by the dead attempt:
 * the next react of that reaction by that user, once the lease has run out, finishes the change
 * (at the seq the dead attempt reserved, so the entry is stored once). A crash after it and
 * before the count leaves the count one short (or one over) of the markers.
 */
export async function reactToRoomMessage(deps: Deps, input: ReactInput): Promise<LifecycleResult> {
  const room = await requireRoom(deps, input.roomId);
  const target = await participantAndTarget(deps, room, input.caller, input.seq);
  const k: ReactionKey = {
    roomId: room.roomId,
    epoch: room.epoch,
    target: input.seq,
    reaction: input.reaction,
    userId: input.caller.userId,
  };
  const expiresAt = epochSeconds(target.ts) + deps.config.HISTORY_TTL_SECONDS;
  // The marker makes a repeated `on` answer its first seq by itself; the key makes a repeated
  // `off` (whose marker is gone) answer its first seq too.
  return once(deps, scopeOf(input.caller, 'react', room.roomId), input.id, k, async () => {
    return (await react(deps, k, input.on, expiresAt, 0)).seq;
  });
}

const reactionLeaseMs = idempotencyLeaseMs.publish;

async function react(
  deps: Deps,
  k: ReactionKey,
  on: boolean,
  expiresAt: number,
  round: number,
): Promise<LifecycleResult> {
  const now = deps.now();
  const fresh = { messageId: newMessageId(now), ts: now, leaseMs: reactionLeaseMs };
  const owner = on
    ? await startAdding(deps, k, { ...fresh, expiresAt })
    : await startRemoving(deps, k, fresh);
  if (owner) return { seq: (await finish(deps, k, on ? 'adding' : 'removing', owner, fresh)).seq };

  const found = await getReactionMarker(deps, k);
  if (!found && !on)
    throw notFound(`You hold no reaction ${JSON.stringify(k.reaction)} on message ${k.target}`);
  if (found?.state === 'held' && on) return { seq: found.seq as number };
  // The marker changed between the write and the read: try once more.
  if (!found || found.state === 'held') return again(deps, k, on, expiresAt, round);
  // Another attempt is changing the marker: wait for it, or finish what it left once its lease ran out.
  const leaseUntil = found.leaseUntil ?? 0;
  if (leaseUntil > deps.now())
    throw idempotencyKeyBusy(Math.max(100, Math.min(1000, leaseUntil - deps.now())));
  const taker = await takeOverMarker(deps, k, found, reactionLeaseMs);
  if (!taker) throw idempotencyKeyBusy(100);
  const entry = await finish(deps, k, found.state, taker, found);
  // The change left behind was this one: its entry is the answer. Else this react comes next.
  if ((found.state === 'adding') === on) return { seq: entry.seq };
  return again(deps, k, on, expiresAt, round);
}

function again(deps: Deps, k: ReactionKey, on: boolean, expiresAt: number, round: number) {
  if (round >= 2) throw idempotencyKeyBusy(100);
  return react(deps, k, on, expiresAt, round + 1);
}

/** Stores the entry of a marker's change, ends the marker's change, moves the count, delivers. */
async function finish(
  deps: Deps,
  k: ReactionKey,
  change: 'adding' | 'removing',
  owner: string,
  identity: { messageId: string; ts: number; opSeq?: number },
): Promise<RoomMessage> {
  let entry: RoomMessage;
  try {
    entry = await appendRoomMessage(
      deps,
      {
        roomId: k.roomId,
        epoch: k.epoch,
        from: k.userId,
        data: null,
        kind: 'reaction',
        target: k.target,
        reaction: k.reaction,
        on: change === 'adding',
        id: identity.messageId,
        ts: identity.ts,
      },
      {
        reservedSeq: identity.opSeq,
        reserve: async (seq) => {
          if (!(await reserveMarkerSeq(deps, k, owner, seq))) throw new IdempotencyOwnershipLostError();
        },
      },
    );
  } catch (error) {
    // This attempt outlived its lease and another took the marker over: that one finishes.
    if (error instanceof IdempotencyOwnershipLostError) throw idempotencyKeyBusy(100);
    throw error;
  }
  const ended =
    change === 'adding'
      ? await finishAdding(deps, k, owner, entry.seq)
      : await finishRemoving(deps, k, owner);
  if (!ended) throw idempotencyKeyBusy(100);
  await moveReactionCount(deps, {
    roomId: k.roomId,
    epoch: k.epoch,
    target: k.target,
    reaction: k.reaction,
    delta: change === 'adding' ? 1 : -1,
  });
  await deliver(deps, entry);
  return entry;
}

/** An ordinary message of this life of the room that is not deleted, else NOT_FOUND. */
/**
 * A read started beside the access check, off the critical path, and awaited only where its
 * answer is needed (a retry answered from its idempotency key never needs it). Its refusal, if
 * never awaited, is dropped.
 */
function readEarly<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/**
 * Whether the caller takes part in the room and the target, read at once (one read off the
 * critical path). A caller who may not take part is refused as such, whatever the target.
 */
async function participantAndTarget(
  deps: Deps,
  room: Awaited<ReturnType<typeof requireRoom>>,
  caller: Caller,
  seq: number,
): Promise<RoomMessage> {
  const [allowed, found] = await Promise.allSettled([
    requireParticipant(deps, room, caller),
    requireTarget(deps, room.roomId, room.epoch, seq),
  ]);
  if (allowed.status === 'rejected') throw allowed.reason;
  if (found.status === 'rejected') throw found.reason;
  return found.value;
}

async function requireTarget(deps: Deps, roomId: string, epoch: number, seq: number): Promise<RoomMessage> {
  const target = await getRoomMessage(deps, roomId, epoch, seq);
  if (!target || target.kind || target.deleted) throw notFound(`No message ${seq} in room ${roomId}`);
  return target;
}

const appendEntry = (
  deps: Deps,
  place: Place,
  slot: Slot,
  from: string,
  kind: LifecycleKind,
  target: number,
  data: unknown,
): Promise<RoomMessage> =>
  appendRoomMessage(
    deps,
    { ...place, from, data, kind, target, id: slot.messageId, ts: slot.ts },
    { reservedSeq: slot.reservedSeq, reserve: slot.reserve },
  );

/** Delivers the entry to the room's subscribers and puts its `message.published` event. */
async function deliver(deps: Deps, entry: RoomMessage): Promise<void> {
  const announced = announceRoomMessage(deps, toMessageFrame(entry)); // never rejects
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
  await announced;
}
