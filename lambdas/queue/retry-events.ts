import type { SQSRecord } from 'aws-lambda';
import { getDeps } from '../core/clients.ts';
import { isAppError } from '../core/errors.ts';
import { parseRetryRecord, retryEvents } from '../core/events/retries.ts';
import { deadLetter } from '../core/services/dead-letters.ts';
import { sqsBatchHandler } from '../core/sqs-batch.ts';

/**
 * Consumer of the event-retries queue: puts the record's events on the bus again. Entries still
 * refused go back as a new, later record; after EVENT_RETRY_ATTEMPTS, or a record that is not
 * one, the record goes to the dead-letter queue with the reason (its alarm fires at one message).
 */
async function processRecord(record: SQSRecord): Promise<void> {
  const deps = getDeps();
  try {
    const parsed = parseRetryRecord(record.body);
    if ((await retryEvents(deps, parsed)) === 'exhausted') {
      await deadLetter(
        deps,
        'eventRetries',
        record,
        `PutEvents still failing after ${parsed.attempt} attempts`,
      );
    }
  } catch (error) {
    if (!isAppError(error)) throw error;
    await deadLetter(deps, 'eventRetries', record, `${error.code}: ${error.message}`);
  }
}

export const handler = sqsBatchHandler(processRecord);
