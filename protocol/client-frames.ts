import * as z from 'zod/mini';
import './zod-locale.ts';
import type { ClientAction } from './actions.ts';
import { bounded, data, idempotencyKey, ref, roomIdOf, seq } from './fields.ts';
import {
  historyMaxLimit,
  maxAckIds,
  maxCredentialLength,
  maxCursorLength,
  maxFilesPerMessage,
  maxIdLength,
  maxReactionLength,
  maxSyncLimit,
  userIdPattern,
  userIdRule,
} from './limits.ts';

/**
 * The frames a client sends (docs/protocol.md, "Client frames"), one schema per
 * action. Unknown fields are ignored so that older servers accept newer clients. The SDK imports
 * only the types of this file, never the schemas: they would bring zod into its bundle.
 */
const room = roomIdOf('room');
/** Ids of the caller's uploads to attach (`POST /uploads`), at most ten. */
const files = z.optional(
  z
    .array(z.string().check(z.minLength(1), z.maxLength(64)))
    .check(z.maxLength(maxFilesPerMessage, `files holds at most ${maxFilesPerMessage} ids`)),
);
/** A user a frame names: user ids are JWT subjects, so the same alphabet as `sub`. */
const userIdOf = (label: string) =>
  z.string().check(z.regex(userIdPattern, `${label} must be ${userIdRule}`));

export const pingFrame = z.object({ action: z.literal('ping'), ref });

export const sendFrame = z.object({
  action: z.literal('send'),
  ref,
  to: userIdOf('to'),
  data,
  id: idempotencyKey,
  files,
});

export const syncFrame = z.object({
  action: z.literal('sync'),
  ref,
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(maxSyncLimit))),
});

export const ackFrame = z.object({
  action: z.literal('ack'),
  ref,
  ids: z.array(bounded(1, maxIdLength)).check(z.minLength(1), z.maxLength(maxAckIds)),
});

export const joinFrame = z.object({
  action: z.literal('join'),
  ref,
  room,
  /** The last seq the client holds; the messages after it are pushed before the reply. */
  since: z.optional(seq),
  /** The room life `since` belongs to; a different one means nothing can be recovered. */
  epoch: z.optional(z.number().check(z.int(), z.gte(0))),
});

export const leaveFrame = z.object({
  action: z.literal('leave'),
  ref,
  room,
  /** `false` ends the membership as well as this connection's subscription. */
  member: z.optional(z.boolean()),
});

export const publishFrame = z.object({
  action: z.literal('publish'),
  ref,
  room,
  data,
  id: idempotencyKey,
  /** The seq of the message this one replies to: an ordinary message of the room's current life. */
  replyTo: z.optional(z.number().check(z.int(), z.gte(1))),
  files,
});

/** The author replaces a room message's `data` (docs/protocol.md, "Message lifecycle in rooms"). */
export const editFrame = z.object({
  action: z.literal('edit'),
  ref,
  room,
  seq: z.number().check(z.int(), z.gte(1)),
  data,
  id: idempotencyKey,
});

/** The author, the room's owner or an admin deletes a room message. */
export const deleteFrame = z.object({
  action: z.literal('delete'),
  ref,
  room,
  seq: z.number().check(z.int(), z.gte(1)),
  id: idempotencyKey,
});

/** A reaction: 1 to 32 characters, counted in Unicode code points (an emoji with a modifier is 2). */
const reaction = z.string().check(
  z.refine((r) => {
    const points = [...r].length;
    return points >= 1 && points <= maxReactionLength;
  }, `reaction must be 1 to ${maxReactionLength} characters`),
);

/** Adds (or with `on: false` removes) the caller's reaction to a room message. */
export const reactFrame = z.object({
  action: z.literal('react'),
  ref,
  room,
  seq: z.number().check(z.int(), z.gte(1)),
  reaction,
  on: z.optional(z.boolean()),
  id: idempotencyKey,
});

export const historyFrame = z.object({
  action: z.literal('history'),
  ref,
  room,
  before: z.optional(z.number().check(z.int(), z.gte(1))),
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(historyMaxLimit))),
  /** A thread instead: the replies to the message of this seq, newest first. */
  replyTo: z.optional(z.number().check(z.int(), z.gte(1))),
});

export const readFrame = z.object({ action: z.literal('read'), ref, room, upTo: seq });

export const typingFrame = z.object({
  action: z.literal('typing'),
  ref,
  room,
  state: z.enum(['start', 'stop']),
});

export const statusFrame = z.object({
  action: z.literal('status'),
  ref,
  status: z.enum(['online', 'away', 'busy']),
});

export const whoFrame = z.object({
  action: z.literal('who'),
  ref,
  room,
  /** The `next` of the previous page, as it came. */
  cursor: z.optional(bounded(1, maxCursorLength)),
});

/** `block` / `unblock`: stops (or resumes) direct messages from `user` to the caller. */
export const blockFrame = z.object({ action: z.literal('block'), ref, user: userIdOf('user') });
export const unblockFrame = z.object({ action: z.literal('unblock'), ref, user: userIdOf('user') });
/** A fresh credential for the connection's user: exactly one of `token` and `ticket`. */
export const refreshFrame = z
  .object({
    action: z.literal('refresh'),
    ref,
    token: z.optional(bounded(1, maxCredentialLength)),
    ticket: z.optional(bounded(1, maxCredentialLength)),
  })
  .check(
    z.refine((f) => (f.token === undefined) !== (f.ticket === undefined), {
      message: 'refresh needs exactly one of token and ticket',
    }),
  );

/** Every action's schema, by action: what the WebSocket API routes. */
export const clientFrames = {
  ping: pingFrame,
  send: sendFrame,
  sync: syncFrame,
  ack: ackFrame,
  join: joinFrame,
  leave: leaveFrame,
  publish: publishFrame,
  history: historyFrame,
  read: readFrame,
  typing: typingFrame,
  status: statusFrame,
  who: whoFrame,
  block: blockFrame,
  unblock: unblockFrame,
  refresh: refreshFrame,
  edit: editFrame,
  delete: deleteFrame,
  react: reactFrame,
} as const satisfies Record<ClientAction, unknown>;

// Every schema names one of the actions, and every action has a schema.
const everyActionHasASchema: ClientAction extends keyof typeof clientFrames ? true : never = true;
void everyActionHasASchema;

export type PingFrame = z.infer<typeof pingFrame>;
export type SendFrame = z.infer<typeof sendFrame>;
export type SyncFrame = z.infer<typeof syncFrame>;
export type AckFrame = z.infer<typeof ackFrame>;
export type JoinFrame = z.infer<typeof joinFrame>;
export type LeaveFrame = z.infer<typeof leaveFrame>;
export type PublishFrame = z.infer<typeof publishFrame>;
export type EditFrame = z.infer<typeof editFrame>;
export type DeleteFrame = z.infer<typeof deleteFrame>;
export type ReactFrame = z.infer<typeof reactFrame>;
export type HistoryFrame = z.infer<typeof historyFrame>;
export type ReadFrame = z.infer<typeof readFrame>;
export type TypingFrame = z.infer<typeof typingFrame>;
export type StatusFrame = z.infer<typeof statusFrame>;
export type WhoFrame = z.infer<typeof whoFrame>;
export type BlockFrame = z.infer<typeof blockFrame>;
export type UnblockFrame = z.infer<typeof unblockFrame>;
export type RefreshFrame = z.infer<typeof refreshFrame>;

/** Any frame a client sends. */
export type ClientFrame = {
  [A in keyof typeof clientFrames]: z.infer<(typeof clientFrames)[A]>;
}[keyof typeof clientFrames];
