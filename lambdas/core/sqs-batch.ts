import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { flushingMetrics } from './metrics.ts';
import { reportUnexpected } from './unexpected.ts';

export interface SqsBatchOptions {
  /**
   * Failures that come back by design rather than by accident (an idempotency key another
   * attempt still holds): reported as batch item failures like the others, but neither logged
   * nor counted as `InternalErrors`. @default none
   */
  readonly expected?: (error: unknown) => boolean;
}

/**
 * Wraps a queue consumer: runs `processRecord` on each record of the batch and reports the
 * ones that threw as batch item failures, so only those come back; each such failure is
 * logged with the record's message id and counted (`InternalErrors`). Then writes the
 * invocation's metrics, also when the whole batch failed.
 *
 * A processor per invocation: it holds the batch's records and outcomes, so one shared by
 * invocations that overlap (the local runtime runs several in one process) mixes their
 * batches up and reports another batch's failures.
 */
export function sqsBatchHandler(
  processRecord: (record: SQSRecord) => Promise<void>,
  options: SqsBatchOptions = {},
) {
  const run = async (record: SQSRecord): Promise<void> => {
    try {
      await processRecord(record);
    } catch (error) {
      if (!options.expected?.(error)) {
        reportUnexpected('Queue record failed; it comes back', record.messageId, error);
      }
      throw error;
    }
  };
  return flushingMetrics(async (event: SQSEvent, context: unknown) => {
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, run, processor, { context: context as never });
  });
}
