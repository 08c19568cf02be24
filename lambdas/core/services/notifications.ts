import * as z from 'zod/mini';
import type { Deps } from '../clients.ts';
import { mapWithConcurrency } from '../delivery/concurrency.ts';
import { chunk, type DeliveryReport, deliverToUsers } from '../delivery/deliver.ts';
import type { DeliveryRecord } from '../delivery/records.ts';
import { AppError, badRequest, payloadTooLarge } from '../errors.ts';
import { dataBytes, describeIssues, type NotificationFrame } from '../frames.ts';
import { sendRecords } from '../queue.ts';
import '../schema.ts';
import { claimMessageIdentity, completeIdempotencyKey } from '../store/idempotency.ts';
import { type InboxEntry, putInboxEntry } from '../store/inbox.ts';
import { epochSeconds } from '../store/keys.ts';

/** The notifications queue's contract (PROTOCOL.md, "Backend services"). */
const name = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const notificationRequest = z.strictObject({
  target: z.union([
    z.strictObject({ users: z.array(name(128)).check(z.minLength(1), z.maxLength(1000)) }),
    z.strictObject({ room: name(128) }),
    z.strictObject({ all: z.literal(true) }),
  ]),
  data: z.unknown().check(z.refine((v) => v !== undefined, { message: 'data is required' })),
  id: z.optional(name(64)),
  from: z._default(name(64), 'system'),
  ttlSeconds: z._default(z.number().check(z.int(), z.gte(1), z.lte(14 * 24 * 3600)), 7 * 24 * 3600),
});

export type NotificationRequest = z.infer<typeof notificationRequest>;

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
 * Stores the notification in each target user's inbox and delivers it to their connections.
 * With an `id`, a repeat from the same service within 24 hours does nothing.
 */
export async function publishNotification(
  deps: Deps,
  request: NotificationRequest,
): Promise<{ messageId: string; ts: number; users: number }> {
  if (!('users' in request.target)) {
    // Room and broadcast targets arrive with rooms; refusing keeps the record for a redrive.
    throw new AppError('BAD_REQUEST', 'Only target.users is supported by this version');
  }
  const users = [...new Set(request.target.users)];
  const scope = `${request.from}#notify`;
  const { result, done } = await claimMessageIdentity(deps, scope, request.id);
  if (done) return { ...result, users: users.length };
  const frame: NotificationFrame = {
    type: 'notification',
    id: result.messageId,
    from: request.from,
    data: request.data,
    ts: result.ts,
  };
  const entry: InboxEntry = {
    messageId: result.messageId,
    frame: JSON.stringify(frame),
    expiresAt: epochSeconds(result.ts) + request.ttlSeconds,
  };
  if (users.length <= inlineUsers) {
    await storeAndDeliver(deps, entry, users);
  } else {
    const shards = chunk(users, inlineUsers).map((userIds) => ({
      body: JSON.stringify({ type: 'users', userIds, entry } satisfies DeliveryRecord),
    }));
    await sendRecords(deps, deps.config.DELIVERIES_QUEUE_URL, shards);
  }
  if (request.id) await completeIdempotencyKey(deps, scope, request.id);
  return { ...result, users: users.length };
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
  return deliverToUsers(deps, entry.frame, userIds);
}
