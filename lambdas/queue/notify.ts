import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { getDeps } from '../core/clients.ts';
import { isAppError } from '../core/errors.ts';
import { flushMetrics } from '../core/metrics.ts';
import { deadLetter } from '../core/services/dead-letters.ts';
import { parseNotification, publishNotification } from '../core/services/notifications.ts';

const processor = new BatchProcessor(EventType.SQS);

/**
 * Consumer of the notifications queue. A record that fails validation goes to the dead-letter
 * queue at once with its reason; a transient failure is reported as a batch item failure, so
 * only that record comes back.
 */
async function processRecord(record: SQSRecord): Promise<void> {
  const deps = getDeps();
  try {
    await publishNotification(deps, parseNotification(deps, record.body));
  } catch (error) {
    if (!isAppError(error)) throw error;
    await deadLetter(deps, deps.config.NOTIFICATIONS_DLQ_URL, record, `${error.code}: ${error.message}`);
  }
}

export const handler = async (event: SQSEvent, context: unknown) => {
  try {
    return await processPartialResponse(event, processRecord, processor, { context: context as never });
  } finally {
    flushMetrics();
  }
};
