import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { flushMetrics } from './metrics.ts';

/**
 * Wraps a queue consumer: runs `processRecord` on each record of the batch and reports the
 * ones that threw as batch item failures, so only those come back; then writes the
 * invocation's metrics.
 */
export function sqsBatchHandler(processRecord: (record: SQSRecord) => Promise<void>) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: unknown) => {
    try {
      return await processPartialResponse(event, processRecord, processor, { context: context as never });
    } finally {
      flushMetrics();
    }
  };
}
