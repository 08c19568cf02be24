import type { SQSRecord } from 'aws-lambda';
import { describeIssues } from '../../protocol/issues.ts';
import { getDeps } from '../core/clients.ts';
import { deliverToShard, requeueLegacyScan } from '../core/delivery/broadcast.ts';
import { deliverToConnections } from '../core/delivery/deliver.ts';
import { deliveryRecord } from '../core/delivery/records.ts';
import { deadLetter } from '../core/services/dead-letters.ts';
import { announceDeparture, queueDepartures } from '../core/services/departures.ts';
import { storeAndDeliver } from '../core/services/notifications.ts';
import { sqsBatchHandler } from '../core/sqs-batch.ts';
import { parseJson } from '../core/ws-route.ts';

/**
 * Delivery worker: runs one shard of a fan-out, a retry handed off by an earlier delivery, one
 * last-seen shard of a broadcast, or the departure of a connection that a delivery found gone
 * (410), announced here rather than inside the request that found it, as its removal decided; the connections this
 * worker's own deliveries find gone are queued as departures in turn. Records of a batch run
 * in parallel. A record that does not parse goes to the dead-letter queue at once, with the
 * reason; one that fails for a passing cause is reported as a batch item failure and comes
 * back alone. Connections that fail after their retries are handed on as a new record of just
 * those connections, so the ones already reached are never posted to again.
 */
async function processRecord(record: SQSRecord): Promise<void> {
  const deps = getDeps();
  const parsed = deliveryRecord.safeParse(parseJson(record.body));
  if (!parsed.success) {
    const reason = `BAD_REQUEST: ${describeIssues(parsed.error)}`;
    return deadLetter(deps, 'deliveries', record, reason);
  }
  const work = parsed.data;
  if (work.type === 'connections') {
    const report = await deliverToConnections(deps, work.frame, work.connectionIds, {
      inlineOnly: true,
      attempt: work.attempt,
    });
    await queueDepartures(deps, report.removed);
  } else if (work.type === 'users') {
    await storeAndDeliver(deps, work.entry, work.userIds);
  } else if (work.type === 'shard') {
    const report = await deliverToShard(deps, work);
    await queueDepartures(deps, report.removed);
  } else if (work.type === 'scan') {
    // TRANSITION (core/delivery/broadcast.ts, requeueLegacyScan; goes with it).
    await requeueLegacyScan(deps, work);
  } else {
    // The record may come back (a retry, or SQS delivering it twice): each room is claimed.
    await announceDeparture(deps, work.connection, { claimed: true });
  }
}

export const handler = sqsBatchHandler(processRecord);
