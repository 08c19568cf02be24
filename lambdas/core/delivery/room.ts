import type { Deps } from '../deps.ts';
import { forEachSubscriberPage, type Subscriber } from '../store/subscriptions.ts';
import { type DeliveryReport, deliverToConnections } from './deliver.ts';
import { recordFanout } from './fanout-metrics.ts';

export interface RoomDeliveryReport extends DeliveryReport {
  /** Subscriber pages read (DynamoDB Query calls). */
  readonly reads: number;
  readonly recipients: number;
}

export interface RoomDeliveryOptions {
  /** Not delivered to (the sender's own connection, for typing). */
  readonly exceptConnectionId?: string;
  /**
   * The room's subscribers as the caller has just read them (to check the sender's own
   * subscription among them): delivered to as given, and not read again.
   * @default read here
   */
  readonly subscribers?: readonly Subscriber[];
}

/**
 * Delivers a frame to every live subscriber of a room, except `exceptConnectionId`.
 * Subscribers are read page by page (a Query, never a Scan) unless the caller gives them; the
 * one delivery mechanism then posts inline or cuts the list into queue shards.
 * One `room` fan-out (FanoutRecipients, FanoutDuration).
 */
export async function deliverToRoom(
  deps: Deps,
  roomId: string,
  frame: string,
  options: RoomDeliveryOptions = {},
): Promise<RoomDeliveryReport> {
  const started = deps.now();
  const connectionIds: string[] = [];
  const take = async (page: readonly Subscriber[]) => {
    for (const s of page)
      if (s.connectionId !== options.exceptConnectionId) connectionIds.push(s.connectionId);
  };
  let reads = 0;
  if (options.subscribers) await take(options.subscribers);
  else reads = await forEachSubscriberPage(deps, roomId, take);
  const report = await deliverToConnections(deps, frame, connectionIds);
  recordFanout('room', connectionIds.length, deps.now() - started);
  return { ...report, reads, recipients: connectionIds.length };
}
