import { requireResource } from '../config.ts';
import type { DeliveryRecord } from '../delivery/records.ts';
import type { Deps } from '../deps.ts';
import { logger } from '../logger.ts';
import { sendRecords } from '../queue.ts';
import type { ConnectionRecord } from '../store/connections.ts';

/**
 * Hands the departures of the connections a delivery found gone (and removed) to the
 * deliveries queue, one `departure` record each; the delivery worker announces them (`left`,
 * presence `offline`) with `announceDeparture`. Not inline: a fan-out that meets many stale
 * connections would otherwise run an announcement per connection (reads, then a delivery to
 * each of its rooms) inside the publisher's request. `$disconnect` and the sweeper, which
 * exist to close connections, announce inline through `closeConnection`.
 *
 * A connection in no room has nobody to tell, so it costs no record. Best effort, like the
 * removal: the delivery has happened, and failing its caller now would replay it to every
 * connection already reached; a failure is logged.
 */
export async function queueDepartures(
  deps: Pick<Deps, 'config' | 'sqs'>,
  removed: readonly ConnectionRecord[],
): Promise<void> {
  const records = removed
    .filter((connection) => connection.rooms.length > 0)
    .map(({ connectionId, userId, rooms, lastSeenAt }) => {
      const record: DeliveryRecord = {
        type: 'departure',
        connection: { connectionId, userId, rooms: [...rooms], lastSeen: lastSeenAt },
      };
      return { body: JSON.stringify(record) };
    });
  if (records.length === 0) return;
  try {
    await sendRecords(deps, requireResource(deps.config, 'DELIVERIES_QUEUE_URL'), records);
  } catch (error) {
    logger.warn('Departures of gone connections not queued', {
      connectionIds: removed.map((c) => c.connectionId),
      error: error as Error,
    });
  }
}
