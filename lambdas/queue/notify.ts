import type { SQSRecord } from 'aws-lambda';
import { getDeps } from '../core/clients.ts';
import { isAppError } from '../core/errors.ts';
import { count, observe } from '../core/metrics.ts';
import { deadLetter } from '../core/services/dead-letters.ts';
import { parseNotification, publishAndReport } from '../core/services/notifications.ts';
import { sqsBatchHandler } from '../core/sqs-batch.ts';
import { IdempotencyKeyBusyError } from '../core/store/idempotency.ts';

/**
 * Consumer of the notifications queue. A record that fails validation goes to the dead-letter
 * queue at once with its reason; a transient failure is reported as a batch item failure, so
 * only that record comes back. Counts `Notifications` and `NotificationLatency` by outcome
 * (catalog: protocol/metrics.ts); `retried` for a record thrown back.
 */
async function processRecord(record: SQSRecord): Promise<void> {
  const deps = getDeps();
  const started = Date.now();
  let outcome = 'retried';
  try {
    ({ outcome } = await publishAndReport(deps, parseNotification(deps, record.body)));
  } catch (error) {
    if (!isAppError(error)) throw error;
    await deadLetter(deps, 'notifications', record, `${error.code}: ${error.message}`);
    outcome = 'dead_lettered';
  } finally {
    count('Notifications', 1, { outcome });
    observe('NotificationLatency', Date.now() - started, { outcome });
  }
}

// A record whose id an earlier attempt still holds comes back later and finds it done.
export const handler = sqsBatchHandler(processRecord, {
  expected: (error) => error instanceof IdempotencyKeyBusyError,
});
