import { dataBytes } from '../../../protocol/limits.ts';
import type { PublishResult } from '../../../protocol/results.ts';
import { deliverToRoom } from '../delivery/room.ts';
import type { Deps } from '../deps.ts';
import { payloadTooLarge } from '../errors.ts';
import { announceRoomMessage } from '../events/announce.ts';
import { newMessageId } from '../ids.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import {
  acquireIdempotencyKey,
  completeIdempotencyKey,
  IdempotencyOwnershipLostError,
  type IdempotentResult,
  idempotencyKeyBusy,
  idempotencyLeaseMs,
  releaseIdempotencyKey,
  reserveIdempotentSeq,
} from '../store/idempotency.ts';
import type { IdempotencyScope } from '../store/keys.ts';
import {
  appendRoomMessage,
  getRoomMessage,
  type RoomMessage,
  roomMessageIdAt,
} from '../store/room-messages.ts';
import type { Caller } from '../ws-event.ts';
import { requireParticipant, requireRoom } from './access-policy.ts';
import { screenContent } from './content-screen.ts';
import { queueDepartures } from './departures.ts';
import {
  type Attached,
  attachFiles,
  detachFiles,
  dropCopiesOfDeletedMessage,
  MessageDeletedError,
} from './files.ts';
import { toMessageFrame } from './room-history.ts';
import { recordThreadReply, requireThreadParent } from './room-threads.ts';

export interface PublishInput {
  readonly caller: Caller;
  readonly roomId: string;
  readonly data: unknown;
  /** Client idempotency key. */
  readonly id?: string;
  /** Ids of the caller's uploads to attach. */
  readonly files?: readonly string[];
  /** The seq of the message this one replies to. */
  readonly replyTo?: number;
}

/**
 * Stores a message in the room's history with the room's next seq, then delivers it to every
 * subscriber, the sender's own connections included (its other tabs see it; the sending tab
 * drops it by id). History comes first: once a seq is handed out the message is kept, and a
 * subscriber that missed the delivery sees the gap and recovers it.
 */
export async function publishToRoom(deps: Deps, input: PublishInput): Promise<PublishResult> {
  const limit = deps.config.MAX_DATA_BYTES;
  if (dataBytes(input.data) > limit) throw payloadTooLarge(limit);
  const room = await requireRoom(deps, input.roomId);
  await requireParticipant(deps, room, input.caller);

  const scope: IdempotencyScope = { user: input.caller.userId, kind: 'publish', room: room.roomId };
  const now = deps.now();
  // Screened first, so a refused message does not consume its files.
  const data = await screenContent(deps, {
    action: 'publish',
    from: input.caller.userId,
    room: room.roomId,
    data: input.data,
    files: input.files,
  });
  const entry = {
    roomId: room.roomId,
    epoch: room.epoch,
    from: input.caller.userId,
    data,
    ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
  };
  // Checked and attached once this attempt owns its key, to the message id the key holds: a
  // retry answers the first result before it would find the files attached already (or the
  // parent deleted since). The parent first, so a refused reply does not consume its files. A
  // message not stored gives its files back, so the client's retry can attach them.
  let attached: Attached | undefined;
  const attach = async (messageId: string) => {
    if (input.replyTo !== undefined) await requireThreadParent(deps, room, input.replyTo);
    attached = await attachFiles(deps, input.caller.userId, input.files, { room: room.roomId }, messageId);
    // A retry that took over a key may have copied a file back that a delete just removed.
    await dropCopiesOfDeletedMessage(deps, attached);
    return attached ? { ...entry, files: attached.refs } : entry;
  };
  const giveBack = () => detachFiles(deps, attached);
  const stored = input.id
    ? await appendOnce(deps, scope, input.id, entry, attach, giveBack)
    : await appendWithoutKey(deps, newMessageId(now), now, attach, giveBack);
  if ('repeated' in stored) {
    // The first attempt may have died before its reply reached the thread: finish it (once).
    if (input.replyTo !== undefined) {
      const first = await getRoomMessage(deps, room.roomId, room.epoch, stored.repeated.seq);
      if (first?.id === stored.repeated.messageId) await recordThreadReply(deps, room.epoch, first);
    }
    return stored.repeated;
  }
  const message = stored;
  const announced = announceRoomMessage(deps, toMessageFrame(message)); // never rejects
  // In the thread before it is delivered: a subscriber that opens the thread on the live frame finds it.
  await recordThreadReply(deps, room.epoch, message);
  try {
    const report = await deliverToRoom(deps, room.roomId, JSON.stringify(toMessageFrame(message)));
    await queueDepartures(deps, report.removed);
  } catch (error) {
    // Stored with its seq all the same: answering an error would invite a retry that, without
    // an id, stores the message twice; subscribers see the gap and recover it instead.
    count('InternalErrors');
    logger.error('Room delivery failed after the message was stored', {
      roomId: room.roomId,
      seq: message.seq,
      error: error as Error,
    });
  }
  await announced;
  return { messageId: message.id, seq: message.seq, ts: message.ts };
}

type NewEntry = {
  roomId: string;
  epoch: number;
  from: string;
  data: unknown;
  files?: RoomMessage['files'];
  replyTo?: number;
};

/**
 * Stores the message once for its key, or answers the attempt that stored it (`repeated`).
 * Room history is keyed by seq, not by message id, so redoing a half-finished attempt could
 * store the message twice. Hence: the owner of the key records each seq on the key before it
 * writes that slot, and completes the key before delivering (a retry from then on must not
 * store again; a lost delivery is what seq gaps and recovery are for). A retry waits while
 * the owner's lease is live; a retry that takes over an expired lease writes at the seq the
 * dead attempt reserved, or finds the message there, so it is never stored twice.
 */
async function appendOnce(
  deps: Deps,
  scope: IdempotencyScope,
  key: string,
  { roomId, epoch }: Pick<NewEntry, 'roomId' | 'epoch'>,
  prepare: (messageId: string) => Promise<NewEntry>,
  giveBack: () => Promise<void>,
): Promise<RoomMessage | { repeated: PublishResult }> {
  const now = deps.now();
  const fresh: IdempotentResult = { messageId: newMessageId(now), ts: now };
  const acquired = await acquireIdempotencyKey(deps, scope, key, fresh, {
    leaseMs: idempotencyLeaseMs.publish,
  });
  if (acquired.state === 'done') return { repeated: doneResult(scope, key, acquired.result) };
  if (acquired.state === 'busy') {
    // Still running after the wait: its message may be stored already (answer it), else retry.
    const { messageId, seq } = acquired.result;
    if (seq !== undefined && (await roomMessageIdAt(deps, roomId, epoch, seq)) === messageId)
      return { repeated: doneResult(scope, key, acquired.result) };
    throw idempotencyKeyBusy(acquired.retryAfterMs);
  }
  const { owner, result } = acquired;
  let message: RoomMessage;
  try {
    const entry = await prepare(result.messageId);
    message = await appendRoomMessage(
      deps,
      { ...entry, id: result.messageId, ts: result.ts },
      {
        reservedSeq: acquired.takeover ? result.seq : undefined,
        reserve: (seq) => reserveIdempotentSeq(deps, scope, key, owner, seq),
      },
    );
  } catch (error) {
    // This attempt outlived its lease and a retry took over: that retry stores the message.
    if (error instanceof IdempotencyOwnershipLostError) throw idempotencyKeyBusy(100);
    // The dead attempt stored the message (at the seq it reserved: a file is marked deleted only
    // with a stored message) and it was deleted since: the answer stays that attempt's result.
    if (error instanceof MessageDeletedError && acquired.takeover && result.seq !== undefined) {
      await completeIdempotencyKey(deps, scope, key, owner, { seq: result.seq });
      return { repeated: doneResult(scope, key, result) };
    }
    await giveBack();
    await releaseIdempotencyKey(deps, scope, key, owner);
    throw error;
  }
  await completeIdempotencyKey(deps, scope, key, owner, { seq: message.seq });
  return message;
}

/** A publish without an id: stored at the next seq, or its files given back. */
async function appendWithoutKey(
  deps: Deps,
  id: string,
  ts: number,
  prepare: (messageId: string) => Promise<NewEntry>,
  giveBack: () => Promise<void>,
): Promise<RoomMessage> {
  const entry = await prepare(id);
  try {
    return await appendRoomMessage(deps, { ...entry, id, ts });
  } catch (error) {
    await giveBack();
    throw error;
  }
}

function doneResult(scope: IdempotencyScope, key: string, result: IdempotentResult): PublishResult {
  if (result.seq === undefined)
    throw new Error(`Idempotency key ${key} of ${scope.kind} by ${scope.user} is done without a seq`);
  return { messageId: result.messageId, seq: result.seq, ts: result.ts };
}
