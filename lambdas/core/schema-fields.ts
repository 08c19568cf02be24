import * as z from 'zod/mini';
import './schema.ts';

/** Field schemas that frames and HTTP bodies share, so each rule is written once. */

/** A string of `min` to `max` characters. */
export const bounded = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

/** A frame's optional `ref`: any client string of at most 64 characters. */
export const ref = z.optional(bounded(0, 64));

/** `id` on `send` and `publish`: a client idempotency key of at most 64 characters. */
export const idempotencyKey = z.optional(bounded(1, 64));

/** Room ids end up in table keys and log lines: a short, printable, delimiter-free alphabet. */
export const roomIdPattern = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A room id; `label` names the field in the message (`room` in frames, `room id` in paths). */
export const roomIdOf = (label: string) =>
  z.string().check(z.regex(roomIdPattern, `${label} must be 1 to 128 of A-Z a-z 0-9 _ . : -`));
