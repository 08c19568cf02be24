import * as z from 'zod/mini';
import './schema.ts';
import type { PresenceStatus } from './store/presence.ts';

/**
 * Presence frames (PROTOCOL.md): `status` and `who` from the client, and the `presence` and
 * `left` events the server sends about a user.
 */
const bounded = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const ref = z.optional(bounded(0, 64));
/** The same alphabet as room-frames.ts: room ids end up in table keys and log lines. */
const roomId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'room must be 1 to 128 of A-Z a-z 0-9 _ . : -'));

export const statusFrame = z.object({
  action: z.literal('status'),
  ref,
  status: z.enum(['online', 'away', 'busy']),
});
export const whoFrame = z.object({ action: z.literal('who'), ref, room: roomId });

export type StatusFrame = z.infer<typeof statusFrame>;
export type WhoFrame = z.infer<typeof whoFrame>;

/**
 * `offline` is not a status a client can choose: the server announces it when a user's last
 * connection closes, with the time the user was last seen.
 */
export type AnnouncedStatus = PresenceStatus | 'offline';

export interface PresenceEvent {
  readonly type: 'event';
  readonly event: 'presence';
  readonly room: string;
  readonly user: string;
  readonly status: AnnouncedStatus;
  readonly lastSeen?: number;
  readonly ts: number;
}

export interface LeftEvent {
  readonly type: 'event';
  readonly event: 'left';
  readonly room: string;
  readonly user: string;
  readonly ts: number;
}

/** One entry of the `who` reply. */
export interface OnlineUser {
  readonly user: string;
  readonly status: PresenceStatus;
}
