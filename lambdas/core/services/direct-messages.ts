import { dataBytes } from '../../../protocol/limits.ts';
import type { MessageFrame } from '../../../protocol/server-frames.ts';
import { deliverToConnections } from '../delivery/deliver.ts';
import { recordFanout } from '../delivery/fanout-metrics.ts';
import { deliverInOrder } from '../delivery/in-order.ts';
import type { Deps } from '../deps.ts';
import { isAppError, payloadTooLarge } from '../errors.ts';
import { announceDirectMessage } from '../events/announce.ts';
import { logger } from '../logger.ts';
import { count, observe } from '../metrics.ts';
import { listUserConnections } from '../store/connections.ts';
import {
  claimMessageIdentity,
  completeIdempotencyKey,
  forgetIdempotencyKey,
  idempotencyKeyBusy,
  idempotencyLeaseMs,
  releaseIdempotencyKey,
} from '../store/idempotency.ts';
import { deleteInboxEntries, listInbox, putInboxEntry } from '../store/inbox.ts';
import { epochSeconds, type IdempotencyScope } from '../store/keys.ts';
import { settleAfterUnremovedGone } from './connection-lifecycle.ts';
import { screenContent } from './content-screen.ts';
import { queueDepartures } from './departures.ts';
import { type Attached, attachFiles, detachFiles } from './files.ts';
import { screenDirectMessage } from './inbox-guard.ts';

export interface SendDirectMessageInput {
  readonly from: string;
  readonly to: string;
  readonly data: unknown;
  /** Client idempotency key. */
  readonly id?: string;
  /** Ids of the sender's uploads to attach. */
  readonly files?: readonly string[];
}

/**
 * Stores a direct message in the recipient's inbox (kept until acknowledged) and delivers it to
 * every connection of the recipient. The inbox write comes first: once this returns, the
 * message cannot be lost, whatever happens to the delivery.
 */
export async function sendDirectMessage(
  deps: Deps,
  unscreened: SendDirectMessageInput,
): Promise<{ messageId: string; ts: number }> {
  const limit = deps.config.MAX_DATA_BYTES;
  if (dataBytes(unscreened.data) > limit) throw payloadTooLarge(limit);
  // Before the key: a rejected send leaves nothing, and its retry is rejected again.
  const screened = await screenContent(deps, {
    action: 'send',
    from: unscreened.from,
    to: unscreened.to,
    data: unscreened.data,
    files: unscreened.files,
  });
  const input = { ...unscreened, data: screened };
  const scope: IdempotencyScope = { user: input.from, kind: 'send' };
  // The key before the screening: a retry of a send that was stored (or dropped for a block)
  // answers the first result, even when the sender's share has filled since.
  const identity = await claimMessageIdentity(deps, scope, input.id, { leaseMs: idempotencyLeaseMs.send });
  if (identity.state === 'done') return identity.result;
  // An earlier attempt with this id still runs after the wait: it stores and delivers.
  if (identity.state === 'busy') throw idempotencyKeyBusy(identity.retryAfterMs);
  const { result } = identity;
  const owner = identity.state === 'owner' && input.id ? { key: input.id, token: identity.owner } : undefined;
  // A refusal leaves nothing behind, the key included.
  const forget = async () => {
    if (owner) await forgetIdempotencyKey(deps, scope, owner.key, owner.token);
  };
  let dropped: boolean;
  try {
    // A taker of an expired lease may find its own earlier entry counted: the share check is
    // for new messages (the put below gives the place back when it only rewrote the entry).
    dropped =
      identity.state === 'owner' && identity.takeover ? false : await screenDirectMessage(deps, input);
  } catch (error) {
    await forget();
    throw error;
  }
  if (dropped) {
    // Blocked: answered as usual, never stored; a retry with the id gets the same answer.
    if (owner) await completeIdempotencyKey(deps, scope, owner.key, owner.token);
    return result;
  }

  let attached: Attached | undefined;
  try {
    attached = await attachFiles(deps, input.from, input.files, { to: input.to }, result.messageId);
  } catch (error) {
    await forget();
    throw error;
  }
  const frame: MessageFrame = {
    type: 'message',
    id: result.messageId,
    from: input.from,
    to: input.to,
    data: input.data,
    ts: result.ts,
    ...(attached ? { files: attached.refs } : {}),
  };
  const body = JSON.stringify(frame);
  const expiresAt = epochSeconds(result.ts) + deps.config.INBOX_TTL_SECONDS;
  // The recipient's connections are read while the inbox entry is written (one round trip
  // fewer); posting waits for the entry, so a delivered message is always a stored one.
  const recipients = listUserConnections(deps, input.to);
  recipients.catch(() => undefined); // awaited below; a failed put must not leave it unhandled
  // Keyed by message id: an attempt that took over an expired key writes the same entry.
  try {
    await putInboxEntry(deps, input.to, {
      messageId: result.messageId,
      frame: body,
      expiresAt,
      sender: input.from,
    });
  } catch (error) {
    // Not stored: the files go back, so that a retry can attach them.
    await detachFiles(deps, attached);
    if (isAppError(error) && error.code === 'INBOX_FULL') await forget();
    else if (owner) await releaseIdempotencyKey(deps, scope, owner.key, owner.token);
    throw error;
  }
  // Done once stored, before delivery: retries from here answer at once and deliver nothing
  // (a delivery this attempt loses is the inbox's to redo, as for a send without an id).
  if (owner) await completeIdempotencyKey(deps, scope, owner.key, owner.token);
  const announced = announceDirectMessage(deps, frame); // beside the delivery; never rejects
  try {
    const started = deps.now();
    const connectionIds = await recipients;
    const report = await deliverToConnections(deps, body, connectionIds);
    recordFanout('user', connectionIds.length, deps.now() - started);
    await queueDepartures(deps, report.removed);
    await settleAfterUnremovedGone(deps, report, [input.to]);
  } catch (error) {
    // Stored all the same, and the inbox delivers it on the next sync: answering an error here
    // would invite a retry that, without an id, stores the message twice.
    count('InternalErrors');
    logger.error('Direct delivery failed after the message was stored', {
      messageId: result.messageId,
      error: error as Error,
    });
  }
  await announced;
  return result;
}

/**
 * Pushes the user's inbox to one connection, oldest first, in order. An entry that cannot be
 * posted now is skipped (it stays in the inbox, and `more` says to sync again).
 */
export async function syncInbox(
  deps: Deps,
  input: { userId: string; connectionId: string; limit?: number },
): Promise<{ delivered: number; more: boolean }> {
  const { entries, more } = await listInbox(deps, input.userId, input.limit ?? 100);
  observe('InboxDepth', entries.length);
  const frames = entries.map((entry) => entry.frame);
  const report = await deliverInOrder(deps, input.connectionId, frames, { skipFailed: true });
  await queueDepartures(deps, report.removed);
  if (report.gone) return { delivered: report.delivered, more: true };
  return { delivered: report.delivered, more: more || report.delivered < entries.length };
}

/** Removes acknowledged messages from the user's inbox; ids the inbox does not hold are ignored. */
export async function ackMessages(
  deps: Deps,
  input: { userId: string; ids: readonly string[] },
): Promise<number> {
  return deleteInboxEntries(deps, input.userId, [...new Set(input.ids)]);
}
