import * as z from 'zod/mini';
import '../../../protocol/zod-locale.ts';
import { sweepShards } from '../store/keys.ts';

const id = z.string().check(z.minLength(1));

/**
 * Records on the deliveries queue.
 * - `connections`: post one frame to these connections (a shard of a large fan-out, or the
 *   connections whose retries ran out in an earlier delivery, never those already reached).
 * - `users`: store one inbox entry for each user and deliver it to their connections (a shard
 *   of a notification to many users or to a room's members).
 * - `shard`: post one frame to every live connection in one shard of the last-seen records
 *   (a `{ "all": true }` notification). `startKey` resumes a shard that an earlier worker
 *   handed on before its time ran out.
 * - `scan`: TRANSITION (broadcast.ts, requeueLegacyScan; goes with it): the record a broadcast
 *   was cut into before `shard`, one parallel-scan segment of the byUser index.
 * - `departure`: a connection a delivery found gone (410) and removed, for the worker to
 *   announce outside the request that found it. Its removal already decided what to announce
 *   (presence-counts.ts): `left` in `rooms`, and presence `offline` there too when `offline`.
 *   Each room's announcement is claimed once per connection id, so a record that comes back
 *   (a retry after a partial failure, SQS delivering it twice) announces nothing twice.
 */
export const deliveryRecord = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('connections'),
    frame: id,
    connectionIds: z.array(id).check(z.minLength(1)),
    attempt: z._default(z.number().check(z.int(), z.gte(0)), 0),
  }),
  z.object({
    type: z.literal('users'),
    userIds: z.array(id).check(z.minLength(1)),
    entry: z.object({ messageId: z.string(), frame: z.string(), expiresAt: z.number() }),
  }),
  z.object({
    type: z.literal('shard'),
    frame: id,
    shard: z.number().check(z.int(), z.gte(0), z.lt(sweepShards)),
    startKey: z.optional(z.record(z.string(), z.string())),
  }),
  z
    .object({
      type: z.literal('scan'),
      frame: id,
      segment: z.number().check(z.int(), z.gte(0)),
      totalSegments: z.number().check(z.int(), z.gte(1), z.lte(1_000_000)),
      startKey: z.optional(z.record(z.string(), z.string())),
    })
    .check(
      z.refine((r) => r.segment < r.totalSegments, {
        message: 'segment must be less than totalSegments',
        path: ['segment'],
      }),
    ),
  z.object({
    type: z.literal('departure'),
    connection: z.object({
      connectionId: id,
      userId: id,
      rooms: z.array(id).check(z.minLength(1)),
      /** When the user was last seen on it (its record's lastSeenAt), for `offline`. */
      lastSeen: z.number(),
      /** It was its user's last live connection. */
      offline: z._default(z.boolean(), false),
    }),
  }),
]);

export type DeliveryRecord = z.infer<typeof deliveryRecord>;
export type ShardRecord = Extract<DeliveryRecord, { type: 'shard' }>;
export type LegacyScanRecord = Extract<DeliveryRecord, { type: 'scan' }>;
export type Departure = Extract<DeliveryRecord, { type: 'departure' }>['connection'];
