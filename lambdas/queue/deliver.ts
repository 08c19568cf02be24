import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { getDeps } from '../core/clients.ts';
import { deliverToConnections } from '../core/delivery/deliver.ts';
import { deliveryRecord } from '../core/delivery/records.ts';
import { storeAndDeliver } from '../core/services/notifications.ts';

const processor = new BatchProcessor(EventType.SQS);

/**
 * Delivery worker: runs one shard of a fan-out, or a retry handed off by an inline delivery.
 * A record that does not parse fails and, after the queue's receive limit, is redriven to the
 * dead-letter queue (whose alarm fires); the others in the batch are unaffected.
 */
async function processRecord(record: SQSRecord): Promise<void> {
  const deps = getDeps();
  const parsed = deliveryRecord.parse(JSON.parse(record.body));
  if (parsed.type === 'connections') {
    await deliverToConnections(deps, parsed.frame, parsed.connectionIds, {
      inlineOnly: true,
      attempt: parsed.attempt,
    });
  } else {
    await storeAndDeliver(deps, parsed.entry, parsed.userIds);
  }
}

export const handler = async (event: SQSEvent, context: unknown) =>
  processPartialResponse(event, processRecord, processor, { context: context as never });
