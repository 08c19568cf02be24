import type { SQSRecord } from 'aws-lambda';
import { getDeps } from '../core/clients.ts';
import { isAppError } from '../core/errors.ts';
import { checkUnacked, parseInboxCheck } from '../core/events/inbox-checks.ts';
import { deadLetter } from '../core/services/dead-letters.ts';
import { sqsBatchHandler } from '../core/sqs-batch.ts';

/**
 * Consumer of the inbox-checks queue (each record delayed UNACKED_EVENT_SECONDS): an inbox entry
 * still there gets an `inbox.unacked` event; one acknowledged meanwhile gets nothing.
 */
async function processRecord(record: SQSRecord): Promise<void> {
  const deps = getDeps();
  try {
    await checkUnacked(deps, parseInboxCheck(record.body));
  } catch (error) {
    if (!isAppError(error)) throw error;
    await deadLetter(deps, 'inboxChecks', record, `${error.code}: ${error.message}`);
  }
}

export const handler = sqsBatchHandler(processRecord);
