import * as z from 'zod/mini';
import './schema.ts';
import { idempotencyKey, ref, roomIdOf } from './schema-fields.ts';

/**
 * The room actions' client frames (PROTOCOL.md, "Frames: client to server"). As in frames.ts,
 * unknown fields are ignored so that older servers accept newer clients.
 */
const json = z.unknown().check(z.refine((v) => v !== undefined, { message: 'data is required' }));
const roomId = roomIdOf('room');
const seq = z.number().check(z.int(), z.gte(0));

/** History pages are bounded so that one reply stays well under API Gateway's frame limit. */
export const historyDefaultLimit = 50;
export const historyMaxLimit = 100;

export const joinFrame = z.object({
  action: z.literal('join'),
  ref,
  room: roomId,
  /** The last seq the client holds; the messages after it are pushed before the reply. */
  since: z.optional(seq),
  /** The room life `since` belongs to; a different one means nothing can be recovered. */
  epoch: z.optional(z.number().check(z.int(), z.gte(0))),
});
export const leaveFrame = z.object({
  action: z.literal('leave'),
  ref,
  room: roomId,
  /** `false` ends the membership as well as this connection's subscription. */
  member: z.optional(z.boolean()),
});
export const publishFrame = z.object({
  action: z.literal('publish'),
  ref,
  room: roomId,
  data: json,
  id: idempotencyKey,
});
export const historyFrame = z.object({
  action: z.literal('history'),
  ref,
  room: roomId,
  before: z.optional(z.number().check(z.int(), z.gte(1))),
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(historyMaxLimit))),
});
export const readFrame = z.object({ action: z.literal('read'), ref, room: roomId, upTo: seq });
export const typingFrame = z.object({
  action: z.literal('typing'),
  ref,
  room: roomId,
  state: z.enum(['start', 'stop']),
});

export type JoinFrame = z.infer<typeof joinFrame>;
export type LeaveFrame = z.infer<typeof leaveFrame>;
export type PublishFrame = z.infer<typeof publishFrame>;
export type HistoryFrame = z.infer<typeof historyFrame>;
export type ReadFrame = z.infer<typeof readFrame>;
export type TypingFrame = z.infer<typeof typingFrame>;

/** The `event` frames of rooms (PROTOCOL.md, "Frames: server to client"). */
export type RoomEventFrame =
  | { type: 'event'; event: 'joined' | 'left'; room: string; user: string; ts: number }
  | { type: 'event'; event: 'typing'; room: string; user: string; state: 'start' | 'stop'; ts: number }
  | { type: 'event'; event: 'read'; room: string; user: string; upTo: number; ts: number };
