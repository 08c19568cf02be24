import * as z from 'zod/mini';
import './zod-locale.ts';
import { bounded, data } from './fields.ts';
import {
  maxRoomIdLength,
  maxServiceNameLength,
  maxUserIdLength,
  notificationDefaultTtlSeconds,
  notificationMaxTtlSeconds,
  notificationMaxUsers,
} from './limits.ts';

/**
 * A record on the notifications queue, which `POST /messages` takes too (docs/protocol.md,
 * "Notifications queue"). Strict: a misspelt field is a mistake of the sending service, and the
 * record goes to the dead-letter queue with the reason rather than being half understood.
 */
export const notificationRequest = z.strictObject({
  target: z.union([
    z.strictObject({
      users: z.array(bounded(1, maxUserIdLength)).check(z.minLength(1), z.maxLength(notificationMaxUsers)),
    }),
    z.strictObject({ room: bounded(1, maxRoomIdLength) }),
    z.strictObject({ all: z.literal(true) }),
  ]),
  data,
  id: z.optional(bounded(1, maxServiceNameLength)),
  from: z._default(bounded(1, maxServiceNameLength), 'system'),
  ttlSeconds: z._default(
    z.number().check(z.int(), z.gte(1), z.lte(notificationMaxTtlSeconds)),
    notificationDefaultTtlSeconds,
  ),
});

/** A notification as validated, defaults applied. */
export type NotificationRequest = z.infer<typeof notificationRequest>;

/** A notification as a service writes it (`from` and `ttlSeconds` may be left out). */
export type NotificationRecord = z.input<typeof notificationRequest>;
