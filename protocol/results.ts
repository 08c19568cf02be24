import type { PresenceStatus } from './events.ts';
import type { RoomMessage } from './server-frames.ts';

/** The `result` of each action's `reply` (docs/protocol.md, "Client frames"). */

/** The reply to `refresh`: when the connection's credential now expires, epoch ms. */
export interface RefreshResult {
  readonly expiresAt: number;
}

/** The reply to `ping`: the server's time. */
export interface PingResult {
  readonly ts: number;
}

/**
 * The reply to `send`.
 *
 * @example
 * ```ts
 * const { messageId, ts }: SendResult = await client.send('bob', 'hi');
 * ```
 */
export interface SendResult {
  readonly messageId: string;
  readonly ts: number;
}

/**
 * The reply to `publish`.
 *
 * @example
 * ```ts
 * const { seq }: PublishResult = await client.publish('general', 'hi');
 * ```
 */
export interface PublishResult {
  readonly messageId: string;
  readonly seq: number;
  readonly ts: number;
}

/**
 * The reply to `join`.
 *
 * @example
 * ```ts
 * const { seq, complete }: JoinResult = await client.join('general');
 * ```
 */
export interface JoinResult {
  readonly room: string;
  /** The room's life; a room deleted and created again has a new one. */
  readonly epoch: number;
  /** The room's latest seq when this connection was subscribed; later messages arrive live. */
  readonly seq: number;
  /** Messages pushed by this join's recovery. */
  readonly recovered: number;
  /** False when some missed messages are no longer kept, or the epoch changed. */
  readonly complete: boolean;
}

/** The reply to `leave`. */
export interface LeaveResult {
  readonly room: string;
}

/** The reply to `ack`: how many of the ids were still in the inbox. */
export interface AckResult {
  readonly acked: number;
}

/** The reply to `sync`, after the messages it pushed; `more` when the inbox holds more. */
export interface SyncResult {
  readonly delivered: number;
  readonly more: boolean;
}

/**
 * A page of room history, newest first; `next` is the `before` of the next (older) page.
 *
 * @example
 * ```ts
 * let page: HistoryPage = await client.history('general');
 * while (page.next !== null) page = await client.history('general', { before: page.next });
 * ```
 */
export interface HistoryPage {
  readonly messages: RoomMessage[];
  readonly next: number | null;
}

/** The reply to `read`: the user's unread count in the room. */
export interface ReadResult {
  readonly unread: number;
}

/** The reply to `status`. */
export interface StatusResult {
  readonly status: PresenceStatus;
}

/**
 * One entry of the `who` reply.
 *
 * @example
 * ```ts
 * const { users } = await client.who('general');
 * const away = users.filter((u: OnlineUser) => u.status === 'away');
 * ```
 */
export interface OnlineUser {
  readonly user: string;
  readonly status: PresenceStatus;
}

/**
 * The reply to `who`: a page of the room's online users in user id order. `next`, present when
 * more follow, is the `cursor` of the next page.
 */
export interface WhoResult {
  readonly users: OnlineUser[];
  readonly next?: string;
}

/**
 * The reply to `block` and `unblock`: how many users the caller blocks now.
 *
 * @example
 * ```ts
 * const { blocked }: BlockResult = await client.block('mallory');
 * ```
 */
export interface BlockResult {
  readonly blocked: number;
}
