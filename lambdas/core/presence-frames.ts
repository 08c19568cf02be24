import * as z from 'zod/mini';
import './schema.ts';
import { ref, roomIdOf } from './schema-fields.ts';
import type { PresenceStatus } from './store/presence.ts';

/**
 * Presence frames (PROTOCOL.md): `status` and `who` from the client, and the `presence` and
 * `left` events the server sends about a user.
 */
const roomId = roomIdOf('room');

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
