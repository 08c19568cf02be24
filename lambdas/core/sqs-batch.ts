import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { flushMetrics } from './metrics.ts';

/**
 * Wraps a queue consumer: runs `processRecord` on each record of the batch and reports the
 * ones that threw as batch item failures, so only those come back; then writes the
 * invocation's metrics.
 *
 * A processor per invocation: it holds the batch's records and outcomes, so one shared by
 * invocations that overlap (the local runtime runs several in one process) mixes their
 * batches up and reports another batch's failures.
 */
export function sqsBatchHandler(processRecord: (record: SQSRecord) => Promise<void>) {
  return async (event: SQSEvent, context: unknown) => {
    const processor = new BatchProcessor(EventType.SQS);
    try {
      return await processPartialResponse(event, processRecord, processor, { context: context as never });
    } finally {
      flushMetrics();
    }
  };
}
