import * as z from 'zod/mini';
import '../schema.ts';

/**
 * Records on the deliveries queue. `connections`: post one frame to these connections (a shard
 * of a large fan-out, or the leftovers of an inline delivery whose retries ran out).
 * `users`: store one inbox entry for each user and deliver it to their connections (a shard of
 * a notification to many users).
 */
export const deliveryRecord = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('connections'),
    frame: z.string().check(z.minLength(1)),
    connectionIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    attempt: z._default(z.number().check(z.int(), z.gte(0)), 0),
  }),
  z.object({
    type: z.literal('users'),
    userIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    entry: z.object({ messageId: z.string(), frame: z.string(), expiresAt: z.number() }),
  }),
]);

export type DeliveryRecord = z.infer<typeof deliveryRecord>;
