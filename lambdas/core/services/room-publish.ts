import { dataBytes } from '../../../protocol/limits.ts';
import type { PublishResult } from '../../../protocol/results.ts';
import { deliverToRoom } from '../delivery/room.ts';
import type { Deps } from '../deps.ts';
import { payloadTooLarge } from '../errors.ts';
import { newMessageId } from '../ids.ts';
import { logger } from '../logger.ts';
import { claimIdempotencyKey, completeIdempotencyKey, type IdempotentResult } from '../store/idempotency.ts';
import type { IdempotencyScope } from '../store/keys.ts';
import { appendRoomMessage } from '../store/room-messages.ts';
import type { Caller } from '../ws-event.ts';
import { requireParticipant, requireRoom } from './access-policy.ts';
import { queueDepartures } from './departures.ts';
import { toMessageFrame } from './room-history.ts';

export interface PublishInput {
  readonly caller: Caller;
  readonly roomId: string;
  readonly data: unknown;
  /** Client idempotency key. */
  readonly id?: string;
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
  const identity = await claimPublishIdentity(deps, scope, input.id);
  if (identity.seq !== undefined)
    return { messageId: identity.messageId, seq: identity.seq, ts: identity.ts };

  const message = await appendRoomMessage(deps, {
    roomId: room.roomId,
    epoch: room.epoch,
    id: identity.messageId,
    from: input.caller.userId,
    data: input.data,
    ts: identity.ts,
  });
  // Completed before delivery: a retry from here on must not store the message again, and a
  // lost delivery is what seq gaps and recovery are for.
  if (input.id) await completeIdempotencyKey(deps, scope, input.id, { seq: message.seq });
  try {
    const report = await deliverToRoom(deps, room.roomId, JSON.stringify(toMessageFrame(message)));
    await queueDepartures(deps, report.removed);
  } catch (error) {
    // Stored with its seq all the same: answering an error would invite a retry that, without
    // an id, stores the message twice; subscribers see the gap and recover it instead.
    logger.error('Room delivery failed after the message was stored', {
      roomId: room.roomId,
      seq: message.seq,
      error: error as Error,
    });
  }
  return { messageId: message.id, seq: message.seq, ts: message.ts };
}

/** How long a retry waits, in steps, for an earlier attempt with the same key that still runs. */
const pendingWaitsMs = [50, 100, 200, 400, 800];

/**
 * The message's identity, with `seq` set when an earlier attempt with the same key already
 * stored it. Room history is keyed by seq, not by message id, so redoing a half-finished
 * attempt could store the message twice: a retry that finds the key pending waits for the
 * earlier attempt (a client that retried too fast), and redoes the work with the same id only
 * when that attempt evidently died before storing anything.
 */
async function claimPublishIdentity(
  deps: Deps,
  scope: IdempotencyScope,
  key: string | undefined,
): Promise<IdempotentResult> {
  const now = deps.now();
  const fresh: IdempotentResult = { messageId: newMessageId(now), ts: now };
  if (!key) return fresh;
  let claim = await claimIdempotencyKey(deps, scope, key, fresh);
  for (const waitMs of pendingWaitsMs) {
    if (claim.state !== 'pending') break;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    claim = await claimIdempotencyKey(deps, scope, key, fresh);
  }
  if (claim.state !== 'done') return { messageId: claim.result.messageId, ts: claim.result.ts };
  if (claim.result.seq === undefined)
    throw new Error(`Idempotency key ${key} of ${scope.user} in ${scope.room} is done without a seq`);
  return claim.result;
}
