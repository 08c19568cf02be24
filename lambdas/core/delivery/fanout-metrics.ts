import { observe } from '../metrics.ts';

/** What a fan-out addressed: a room's subscribers, users' connections, or a broadcast's shard of the connections. */
export type FanoutKind = 'room' | 'user' | 'broadcast';

/**
 * Records one fan-out, `FanoutRecipients` (the connections it addressed) and `FanoutDuration`,
 * by kind. Called once per fan-out by the function that starts it (deliverToRoom,
 * deliverToUsers, a direct message, a broadcast segment), never by deliverToConnections, which
 * they all share and which also runs the shards and retries of a fan-out already counted.
 */
export function recordFanout(kind: FanoutKind, recipients: number, durationMs: number): void {
  observe('FanoutRecipients', recipients, { kind });
  observe('FanoutDuration', durationMs, { kind });
}
