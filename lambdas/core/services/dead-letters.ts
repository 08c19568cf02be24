import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { requireResource } from '../config.ts';
import type { Deps } from '../deps.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';

/** The work queue whose dead-letter queue takes the record: the `queue` dimension of DeadLettered. */
export type DeadLetterQueue = 'deliveries' | 'notifications' | 'eventRetries' | 'inboxChecks';

const deadLetterUrlVariable = {
  deliveries: 'DELIVERIES_DLQ_URL',
  notifications: 'NOTIFICATIONS_DLQ_URL',
  eventRetries: 'EVENT_RETRIES_DLQ_URL',
  inboxChecks: 'INBOX_CHECKS_DLQ_URL',
} as const;

/**
 * Moves a record that can never succeed straight to a dead-letter queue, with the reason as a
 * message attribute, so it neither blocks its queue nor burns retries. Throws if the move
 * fails, so the record stays on its queue and is not lost.
 */
export async function deadLetter(
  deps: Deps,
  queue: DeadLetterQueue,
  record: { body: string; messageId: string },
  reason: string,
): Promise<void> {
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: requireResource(deps.config, deadLetterUrlVariable[queue]),
      MessageBody: record.body,
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: reason.slice(0, 1000) },
        sourceMessageId: { DataType: 'String', StringValue: record.messageId },
      },
    }),
  );
  // Once moved: a move that failed leaves the record on its queue, to come back.
  count('DeadLettered', 1, { queue });
  logger.warn('Record moved to the dead-letter queue', { messageId: record.messageId, reason });
}
