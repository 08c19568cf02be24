import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Deps } from '../deps.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';

/**
 * Moves a record that can never succeed straight to a dead-letter queue, with the reason as a
 * message attribute, so it neither blocks its queue nor burns retries. Throws if the move
 * fails, so the record stays on its queue and is not lost.
 */
export async function deadLetter(
  deps: Deps,
  queueUrl: string,
  record: { body: string; messageId: string },
  reason: string,
): Promise<void> {
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: record.body,
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: reason.slice(0, 1000) },
        sourceMessageId: { DataType: 'String', StringValue: record.messageId },
      },
    }),
  );
  // Once moved: a move that failed leaves the record on its queue, to come back.
  count('DeadLettered', 1, { queue: queueNameOf(queueUrl) });
  logger.warn('Record moved to the dead-letter queue', { messageId: record.messageId, reason });
}

/** `deliveries` or `notifications`: the dead-letter queue's manifest queue, from its URL's name. */
function queueNameOf(queueUrl: string): string {
  const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1).toLowerCase();
  return name.includes('notification') ? 'notifications' : name.includes('deliver') ? 'deliveries' : 'other';
}
