import type { Deps } from '../deps.ts';
import {
  type ConnectionRecord,
  putConnection,
  removeConnection,
  touchConnection,
} from '../store/connections.ts';
import { announceDeparture } from './presence.ts';

export interface OpenConnectionInput {
  readonly connectionId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  readonly device?: string;
  readonly connectedAt: number;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** When the credential presented at `$connect` expires, epoch ms. */
  readonly credentialExpiresAt?: number;
}

/** Records a connection that passed the authorizer. */
export async function openConnection(deps: Deps, input: OpenConnectionInput): Promise<ConnectionRecord> {
  return putConnection(deps, input);
}

export interface CloseConnectionOptions {
  /**
   * When the user was last seen on this connection, for the `offline` announcement.
   * `$disconnect` knows it is now; the sweeper finds a connection already gone.
   * @default the record's lastSeenAt
   */
  readonly lastSeen?: number;
}

/**
 * Removes a connection and everything hanging off it (its subscriptions), then tells its rooms
 * (`left`, and `presence` `offline` when it was the user's last connection). Called on
 * `$disconnect` and by the sweeper, since `$disconnect` is best-effort. Delivery removes the
 * connections it finds gone (410) with the same store operation and reports them; their
 * departures go through the deliveries queue (departures.ts). The delete returns the record to
 * one caller only, so a connection closed by several of them at once is announced once.
 */
export async function closeConnection(
  deps: Deps,
  connectionId: string,
  options: CloseConnectionOptions = {},
): Promise<ConnectionRecord | undefined> {
  const closed = await removeConnection(deps, connectionId);
  if (!closed) return undefined;
  await announceDeparture(deps, closed, options.lastSeen ?? closed.lastSeenAt);
  return closed;
}

/** When this container last wrote each connection's last-seen time. */
const lastWritten = new Map<string, number>();

/**
 * A heartbeat moves last-seen on. A container writes it at most once per
 * LAST_SEEN_WRITE_INTERVAL_MS for a connection: clients ping often and the sweeper only needs
 * minute precision, so most pings cost no write at all. False when the record is gone.
 */
export async function refreshConnection(deps: Deps, connectionId: string): Promise<boolean> {
  const now = deps.now();
  const interval = deps.config.LAST_SEEN_WRITE_INTERVAL_MS;
  const written = lastWritten.get(connectionId);
  if (written !== undefined && now - written < interval) return true;
  if (lastWritten.size > 50_000) {
    for (const [id, at] of lastWritten) if (now - at >= interval) lastWritten.delete(id);
  }
  const exists = await touchConnection(deps, connectionId);
  if (exists) lastWritten.set(connectionId, now);
  else lastWritten.delete(connectionId);
  return exists;
}
