import type { Deps } from '../deps.ts';
import { forEachSubscriberPage } from '../store/subscriptions.ts';
import { type DeliveryReport, deliverToConnections } from './deliver.ts';
import { recordFanout } from './fanout-metrics.ts';

export interface RoomDeliveryReport extends DeliveryReport {
  /** Subscriber pages read (DynamoDB Query calls). */
  readonly reads: number;
  readonly recipients: number;
}

/**
 * Delivers a frame to every live subscriber of a room, except `exceptConnectionId` (the
 * sender's own connection, for typing). Subscribers are read page by page (a Query, never a
 * Scan); the one delivery mechanism then posts inline or cuts the list into queue shards.
 * One `room` fan-out (FanoutRecipients, FanoutDuration).
 */
export async function deliverToRoom(
  deps: Deps,
  roomId: string,
  frame: string,
  options: { exceptConnectionId?: string } = {},
): Promise<RoomDeliveryReport> {
  const started = deps.now();
  const connectionIds: string[] = [];
  const reads = await forEachSubscriberPage(deps, roomId, async (page) => {
    for (const s of page)
      if (s.connectionId !== options.exceptConnectionId) connectionIds.push(s.connectionId);
  });
  const report = await deliverToConnections(deps, frame, connectionIds);
  recordFanout('room', connectionIds.length, deps.now() - started);
  return { ...report, reads, recipients: connectionIds.length };
}
