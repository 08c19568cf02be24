/**
 * The `event` frames of rooms (docs/protocol.md, "Server frames"): who joined or left,
 * presence, typing and read receipts. Never stored.
 */

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
 * A status a user may choose.
 *
 * @example
 * ```ts
 * const status: PresenceStatus = 'busy';
 * await client.setStatus(status);
 * ```
 */
export type PresenceStatus = 'online' | 'away' | 'busy';

/**
 * What a `presence` event announces: a chosen status, or `offline`, which no client chooses: the
 * server announces it when a user's last connection closes.
 */
export type AnnouncedStatus = PresenceStatus | 'offline';

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
  readonly status: AnnouncedStatus;
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

/** Any `event` frame. */
export type RoomEventFrame = MembershipEvent | PresenceEvent | TypingEvent | ReadEvent;

/** The names of room events, as `event` carries them. */
export type RoomEventName = RoomEventFrame['event'];
