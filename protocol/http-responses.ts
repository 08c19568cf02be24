import type { ErrorCode } from './errors.ts';
import type { PresenceStatus } from './events.ts';
import type { RoomType } from './http-requests.ts';

/**
 * What the HTTP API answers (docs/protocol.md, "HTTP API"). Types only: the chat page and any
 * browser code can import them without the schemas.
 */

/** Every answer other than 2xx: `{ "error": { "code", "message" } }` with the code's status. */
export interface HttpErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/** `POST /tickets` (201): a single-use WebSocket ticket. */
export interface Ticket {
  readonly ticket: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /**
   * When the credential of a connection opened with this ticket expires (the `exp` of the JWT
   * that bought it), epoch milliseconds: refresh before then.
   */
  readonly credentialExpiresAt: number;
}

/** `POST /uploads` (201): where and how to `PUT` the file's bytes, and its id for `files`. */
export interface Upload {
  readonly fileId: string;
  /** A presigned S3 `PUT`, valid until `expiresAt`. */
  readonly uploadUrl: string;
  /** Headers the `PUT` must carry (Content-Type); Content-Length must be the declared size. */
  readonly headers: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** A page of a list, with an opaque cursor for the next one (null when there is none). */
export interface Page<T> {
  readonly items: T[];
  readonly cursor: string | null;
}

/** A room as `POST /rooms`, `GET /rooms/{id}` and `PATCH /rooms/{id}` show it. */
export interface RoomView {
  readonly id: string;
  readonly name: string;
  readonly type: RoomType;
  readonly owner: string;
  readonly maxMembers: number;
  readonly memberCount: number;
  readonly epoch: number;
  readonly createdAt: number;
}

export type MemberRole = 'owner' | 'member';

/** A member as `PUT /rooms/{id}/members/{userId}` shows it; `GET .../members` lists it without `room`. */
export interface MemberView {
  readonly room: string;
  readonly user: string;
  readonly role: MemberRole;
  readonly joinedAt: number;
}

/** One entry of `GET /rooms/{id}/online`. */
export interface RoomOnlineUser {
  readonly user: string;
  readonly status: PresenceStatus;
  /** The user's connections subscribed to the room. */
  readonly connections: number;
}

/** One entry of `GET /online` (admin). */
export interface OnlineUserSummary {
  readonly user: string;
  /** Live connections (devices, tabs). */
  readonly connections: number;
}

/** One room of `GET /me/unread`. */
export interface UnreadRoom {
  readonly room: string;
  readonly unread: number;
  /** The room's latest seq. */
  readonly seq: number;
  /** The caller's read cursor. */
  readonly upTo: number;
}

/** `GET /me/unread`. */
export interface UnreadRooms {
  readonly rooms: UnreadRoom[];
}

/** `POST /messages` (202), the outcome of publishing a notification. */
export interface PublishedNotification {
  readonly messageId: string;
  readonly ts: number;
  /** Users whose inbox holds the notification; 0 for a broadcast, which is not stored. */
  readonly users: number;
  /** Records a broadcast was cut into (one per shard of the connections), for a broadcast. */
  readonly segments?: number;
}

export interface ComponentHealth {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

/** `GET /health`: 200 when every component answers, 503 with the same body when one does not. */
export interface HealthReport {
  readonly ok: boolean;
  readonly table: ComponentHealth;
  readonly queues: { readonly deliveries: ComponentHealth; readonly notifications: ComponentHealth };
}

/** One entry of `GET /me/blocks`: a user the caller blocks, since when (epoch ms). */
export interface BlockedUser {
  readonly user: string;
  readonly blockedAt: number;
}
