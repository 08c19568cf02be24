/**
 * The frames the server sends and the results of its replies, as PROTOCOL.md defines them.
 * Declared here rather than imported from `lambdas/`, so the SDK bundles for browsers alone.
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
}

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
 * A room message as `history` returns it (a `message` frame without `type`).
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
}

/**
 * `joined` and `left`: a user's first connection subscribed to, or the last one left, a room.
 *
 * @example
 * ```ts
 * client.on('joined', (e: MembershipEvent) => addMember(e.room, e.user));
 * ```
 */
export interface MembershipEvent {
  readonly type: 'event';
  readonly event: 'joined' | 'left';
  readonly room: string;
  readonly user: string;
  readonly ts: number;
}

/**
 * A user's presence changed; `offline` comes with the time the user was last seen.
 *
 * @example
 * ```ts
 * client.on('presence', (e: PresenceEvent) => setDot(e.user, e.status));
 * ```
 */
export interface PresenceEvent {
  readonly type: 'event';
  readonly event: 'presence';
  readonly room: string;
  readonly user: string;
  readonly status: 'online' | 'away' | 'busy' | 'offline';
  readonly lastSeen?: number;
  readonly ts: number;
}

/**
 * Another subscriber started or stopped typing in a room (never stored).
 *
 * @example
 * ```ts
 * client.on('typing', (e: TypingEvent) => showTyping(e.room, e.user, e.state === 'start'));
 * ```
 */
export interface TypingEvent {
  readonly type: 'event';
  readonly event: 'typing';
  readonly room: string;
  readonly user: string;
  readonly state: 'start' | 'stop';
  readonly ts: number;
}

/**
 * A read receipt: `user` has read the room up to `upTo` (a seq).
 *
 * @example
 * ```ts
 * client.on('read', (e: ReadEvent) => markSeen(e.room, e.user, e.upTo));
 * ```
 */
export interface ReadEvent {
  readonly type: 'event';
  readonly event: 'read';
  readonly room: string;
  readonly user: string;
  readonly upTo: number;
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
  readonly status: 'online' | 'away' | 'busy';
}

/**
 * A status a user may choose.
 *
 * @example
 * ```ts
 * const status: PresenceStatus = 'busy';
 * await client.setStatus(status);
 * ```
 */
export type PresenceStatus = OnlineUser['status'];
