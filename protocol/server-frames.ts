import type { ErrorCode } from './errors.ts';
import type { RoomEventFrame } from './events.ts';

/** A file as message frames carry it (here, not beside the HTTP bodies: the SDK's declarations must not reach zod). */
export interface FileRef {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

/**
 * The frames the server sends (docs/protocol.md, "Server frames"). Types and two
 * small builders only: the SDK imports them without any runtime weight.
 */

/**
 * A direct message (`to`) or a room message (`room` and `seq`), as the `message` event gives it.
 *
 * @example
 * ```ts
 * client.on('message', (m: MessageFrame) => {
 *   if (m.room) appendToRoom(m.room, m.seq!, m.data);
 *   else appendToConversation(m.from, m.data);
 * });
 * ```
 */
export interface MessageFrame {
  readonly type: 'message';
  /** Server message id, sortable by time; the key duplicates are dropped by. */
  readonly id: string;
  readonly from: string;
  readonly to?: string;
  readonly room?: string;
  readonly seq?: number;
  readonly data: unknown;
  /** Epoch milliseconds. */
  readonly ts: number;
  /** Set on room messages pushed by a recovery (`join` with `since`, or a `history` page after a gap). */
  readonly recovered?: boolean;
  /** The files attached to the message (`GET /files/{id}` reads one). */
  readonly files?: readonly FileRef[];
  /** Set on a room entry that changes an earlier message: what it does. */
  readonly kind?: LifecycleKind;
  /** With `kind`: the seq of the message it changes. */
  readonly target?: number;
  /** With `kind: "reaction"`: the reaction, and whether it was added (`true`) or removed. */
  readonly reaction?: string;
  readonly on?: boolean;
  /** Set on a reply: the seq of the message it replies to (its thread). */
  readonly replyTo?: number;
}

/** The kinds of room entry that change an earlier message. */
export type LifecycleKind = 'edit' | 'delete' | 'reaction';

/**
 * A notification from a backend service (`from` is `"system"` or the service's name).
 *
 * @example
 * ```ts
 * client.on('notification', (n: NotificationFrame) => toast(`${n.from}: ${JSON.stringify(n.data)}`));
 * ```
 */
export interface NotificationFrame {
  readonly type: 'notification';
  readonly id: string;
  readonly from: string;
  readonly data: unknown;
  readonly ts: number;
}

/**
 * A room message as `history` (and `GET /rooms/{id}/messages`) returns it: a `message` frame
 * without `type`.
 *
 * @example
 * ```ts
 * const { messages }: HistoryPage = await client.history('general');
 * const oldestFirst: RoomMessage[] = [...messages].reverse();
 * ```
 */
export interface RoomMessage {
  readonly id: string;
  readonly from: string;
  readonly room: string;
  readonly seq: number;
  readonly data: unknown;
  readonly ts: number;
  readonly files?: readonly FileRef[];
  /** Set on lifecycle entries (edit, delete): see {@link MessageFrame}. */
  readonly kind?: LifecycleKind;
  readonly target?: number;
  readonly reaction?: string;
  readonly on?: boolean;
  /** Set on an ordinary message with reactions: how many users hold each (none at 0). */
  readonly reactions?: Readonly<Record<string, number>>;
  /** Set on an ordinary message edited since: when (epoch ms). */
  readonly editedAt?: number;
  /** Set on an ordinary message deleted since (its `data` is then `null`). */
  readonly deleted?: true;
  /** Set on a reply: the seq of the message it replies to. */
  readonly replyTo?: number;
  /** Set on a message that has replies: how many (`history {room, replyTo}` lists them). */
  readonly replies?: number;
}

/** The answer to a frame that carried `ref`. */
export interface ReplyFrame<R = unknown> {
  readonly type: 'reply';
  readonly ref: string;
  readonly result: R;
}

/** A refused frame: `ref` is null when the frame had none (or an unusable one). */
export interface ErrorFrame {
  readonly type: 'error';
  readonly ref: string | null;
  readonly code: ErrorCode;
  readonly message: string;
  /** For `RATE_LIMITED`: how long to wait before sending that action again, in ms. */
  readonly retryAfterMs?: number;
}

/** The answer to a `ping` without `ref`. */
export interface PongFrame {
  readonly type: 'pong';
  readonly ts: number;
}

/** Any frame the server sends. */
export type ServerFrame =
  | MessageFrame
  | NotificationFrame
  | RoomEventFrame
  | ReplyFrame
  | ErrorFrame
  | PongFrame;

export const replyFrame = <R>(ref: string, result: R): ReplyFrame<R> => ({ type: 'reply', ref, result });

export const errorFrame = (
  ref: string | null,
  code: ErrorCode,
  message: string,
  extra?: { readonly retryAfterMs?: number },
): ErrorFrame => ({ type: 'error', ref, code, message, ...extra });
