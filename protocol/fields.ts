import * as z from 'zod/mini';
import './zod-locale.ts';
import { dataDepthMessage, isWithinDataDepth } from './data-depth.ts';
import { maxIdLength, maxRefLength, maxUserIdLength, roomIdPattern, roomIdRule } from './limits.ts';

/** Field schemas that frames, HTTP bodies and queue records share, so each rule is written once. */

/** A string of `min` to `max` characters. */
export const bounded = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

/** A frame's optional `ref`: any client string of at most 64 characters. */
export const ref = z.optional(bounded(0, maxRefLength));

/** `id` on `send` and `publish`: a client idempotency key of at most 64 characters. */
export const idempotencyKey = z.optional(bounded(1, maxIdLength));

/** A user id (a JWT subject). */
export const userId = bounded(1, maxUserIdLength);

/** A room id; `label` names the field in the message (`room` in frames, `room id` in paths). */
export const roomIdOf = (label: string) =>
  z.string().check(z.regex(roomIdPattern, `${label} must be ${roomIdRule}`));

/**
 * `data`: any JSON value, but present, and at most 32 levels deep: checked here, before anything
 * serializes it to measure its size (JSON.stringify recurses and would overflow the stack).
 */
export const data = z.unknown().check(
  z.refine((v) => v !== undefined, { message: 'data is required' }),
  z.refine((v) => isWithinDataDepth(v), { message: dataDepthMessage }),
);

/** A room entry's `seq`, or a position before the first (0). */
export const seq = z.number().check(z.int(), z.gte(0));
