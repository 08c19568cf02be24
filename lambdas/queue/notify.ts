import type { SQSRecord } from 'aws-lambda';
import { getDeps } from '../core/clients.ts';
import { requireResource } from '../core/config.ts';
import { isAppError } from '../core/errors.ts';
import { deadLetter } from '../core/services/dead-letters.ts';
import { parseNotification, publishNotification } from '../core/services/notifications.ts';
import { sqsBatchHandler } from '../core/sqs-batch.ts';

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
    await deadLetter(
      deps,
      requireResource(deps.config, 'NOTIFICATIONS_DLQ_URL'),
      record,
      `${error.code}: ${error.message}`,
    );
  }
}

export const handler = sqsBatchHandler(processRecord);
