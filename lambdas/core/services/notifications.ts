import type { PublishedNotification } from '../../../protocol/http-responses.ts';
import { describeIssues } from '../../../protocol/issues.ts';
import { dataBytes } from '../../../protocol/limits.ts';
import { type NotificationRequest, notificationRequest } from '../../../protocol/notification.ts';
import type { NotificationFrame } from '../../../protocol/server-frames.ts';
import { requireResource } from '../config.ts';
import { broadcastRecords, enqueueBroadcast } from '../delivery/broadcast.ts';
import { mapWithConcurrency } from '../delivery/concurrency.ts';
import { chunk, type DeliveryReport, deliverToUsers } from '../delivery/deliver.ts';
import type { DeliveryRecord } from '../delivery/records.ts';
import type { Deps } from '../deps.ts';
import { badRequest, payloadTooLarge } from '../errors.ts';
import { announceInboxEntries } from '../events/announce.ts';
import { sendRecords } from '../queue.ts';
import {
  claimMessageIdentity,
  completeIdempotencyKey,
  IdempotencyKeyBusyError,
  idempotencyLeaseMs,
  releaseIdempotencyKey,
} from '../store/idempotency.ts';
import { type InboxEntry, putInboxEntry } from '../store/inbox.ts';
import { epochSeconds, type IdempotencyScope } from '../store/keys.ts';
import { listAllMemberIds } from '../store/members.ts';
import { getRoom } from '../store/rooms.ts';
import { settleAfterUnremovedGone } from './connection-lifecycle.ts';
import { queueDepartures } from './departures.ts';

/** Parses a queue body or HTTP body; throws BAD_REQUEST naming what is wrong. */
export function parseNotification(deps: Deps, raw: string | unknown): NotificationRequest {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw badRequest('Body is not JSON');
    }
  }
  const parsed = notificationRequest.safeParse(value);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error));
  if (dataBytes(parsed.data.data) > deps.config.MAX_DATA_BYTES)
    throw payloadTooLarge(deps.config.MAX_DATA_BYTES);
  return parsed.data;
}

/** Users per inline batch; a larger target is cut into shards on the deliveries queue. */
const inlineUsers = 25;

/**
 * How a publish went, for the queue consumer's `Notifications` metric: `stored` (inbox entries
 * written and delivered here), `sharded` (users handed to the deliveries queue in shards),
 * `broadcast` (shard records queued), `repeated` (an id already published: nothing done).
 */
export type PublishOutcome = 'stored' | 'sharded' | 'broadcast' | 'repeated';

/**
 * Publishes a notification from a backend service. With an `id`, a repeat from the same
 * service within 24 hours does nothing.
 * - `users`: stored in each user's inbox, then delivered to their connections.
 * - `room`: the same for every member of the room (members, not live subscribers: a member
 *   who is offline finds it in the inbox). A room that does not exist is BAD_REQUEST, so the
 *   record goes to the dead-letter queue with the reason.
 * - `all`: delivered to every live connection, by one record per shard of the last-seen
 *   records on the deliveries queue. Not stored: there is no registry of all users to keep
 *   inboxes for, and a broadcast to users who are away is better served by a room everyone is
 *   a member of.
 */
export async function publishNotification(
  deps: Deps,
  request: NotificationRequest,
): Promise<PublishedNotification> {
  return (await publishAndReport(deps, request)).published;
}

/** Publishes a notification as {@link publishNotification} does, and says how it went. */
export async function publishAndReport(
  deps: Deps,
  request: NotificationRequest,
): Promise<{ readonly published: PublishedNotification; readonly outcome: PublishOutcome }> {
  const { target } = request;
  let users: string[] = [];
  if ('users' in target) users = [...new Set(target.users)];
  else if ('room' in target) {
    if (!(await getRoom(deps, target.room))) throw badRequest(`room not found: ${target.room}`);
    users = await listAllMemberIds(deps, target.room);
  }
  const scope: IdempotencyScope = { user: request.from, kind: 'notify' };
  const identity = await claimMessageIdentity(deps, scope, request.id, {
    leaseMs: idempotencyLeaseMs.notify,
  });
  const segments = 'all' in target ? broadcastRecords : undefined;
  if (identity.state === 'done') {
    return { published: { ...identity.result, users: users.length, segments }, outcome: 'repeated' };
  }
  // An earlier attempt still runs after the wait: fail transiently (not an AppError), so a
  // queue record comes back later and finds the key done, and is neither lost nor dead-lettered.
  if (identity.state === 'busy') throw new IdempotencyKeyBusyError(identity.retryAfterMs, identity.result);
  const { result } = identity;
  const owner =
    identity.state === 'owner' && request.id ? { key: request.id, token: identity.owner } : undefined;
  const frame: NotificationFrame = {
    type: 'notification',
    id: result.messageId,
    from: request.from,
    data: request.data,
    ts: result.ts,
  };
  let outcome: PublishOutcome = 'broadcast';
  try {
    if (segments !== undefined) {
      await enqueueBroadcast(deps, JSON.stringify(frame));
    } else {
      // Inbox entries are keyed by message id: an attempt that took over writes the same ones.
      const entry: InboxEntry = {
        messageId: result.messageId,
        frame: JSON.stringify(frame),
        expiresAt: epochSeconds(result.ts) + request.ttlSeconds,
      };
      outcome = await storeForUsers(deps, entry, users);
    }
  } catch (error) {
    if (owner) await releaseIdempotencyKey(deps, scope, owner.key, owner.token);
    throw error;
  }
  if (owner) await completeIdempotencyKey(deps, scope, owner.key, owner.token);
  return { published: { ...result, users: users.length, segments }, outcome };
}

/** Inline for a few users; above that, shards of users on the deliveries queue. */
async function storeForUsers(
  deps: Deps,
  entry: InboxEntry,
  users: readonly string[],
): Promise<'stored' | 'sharded'> {
  if (users.length <= inlineUsers) {
    if (users.length > 0) await storeAndDeliver(deps, entry, users);
    return 'stored';
  }
  const shards = chunk(users, inlineUsers).map((userIds) => ({
    body: JSON.stringify({ type: 'users', userIds, entry } satisfies DeliveryRecord),
  }));
  await sendRecords(deps, requireResource(deps.config, 'DELIVERIES_QUEUE_URL'), shards);
  return 'sharded';
}

/** Inbox first (nothing acknowledged is lost), then delivery to whoever is online. */
export async function storeAndDeliver(
  deps: Deps,
  entry: InboxEntry,
  userIds: readonly string[],
): Promise<DeliveryReport> {
  await mapWithConcurrency(userIds, deps.config.DELIVERY_CONCURRENCY, (userId) =>
    putInboxEntry(deps, userId, entry),
  );
  const { ts } = JSON.parse(entry.frame) as { ts: number };
  const checked = announceInboxEntries(deps, { messageId: entry.messageId, ts }, userIds); // never rejects
  const report = await deliverToUsers(deps, entry.frame, userIds);
  await queueDepartures(deps, report.removed);
  await settleAfterUnremovedGone(deps, report, userIds);
  await checked;
  return report;
}
