import type { OperationInput } from './operation.ts';
import { SqsError } from './sqs-error.ts';

const entryIdPattern = /^[A-Za-z0-9_-]{1,80}$/;

/** One entry of a batch request; every batch entry carries an `Id`. */
export type BatchEntry = Readonly<Record<string, unknown>> & { readonly Id: string };

/** The entries of a batch request, rejected as a whole the way SQS rejects them. */
export function readBatchEntries(input: OperationInput): BatchEntry[] {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new SqsError(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
      'AWS.SimpleQueueService.EmptyBatchRequest',
    );
  }
  if (entries.length > 10) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
  }
  const seen = new Set<string>();
  for (const entry of entries as { Id?: unknown }[]) {
    if (typeof entry.Id !== 'string' || !entryIdPattern.test(entry.Id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        'AWS.SimpleQueueService.InvalidBatchEntryId',
      );
    }
    if (seen.has(entry.Id)) {
      throw new SqsError(
        'BatchEntryIdsNotDistinct',
        `Id ${entry.Id} repeated.`,
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      );
    }
    seen.add(entry.Id);
  }
  return entries as BatchEntry[];
}

/**
 * Runs `run` per entry and sorts the outcomes into `Successful` and `Failed`; an SQS error on
 * one entry fails only that entry, as SQS reports it.
 */
export function runBatch(
  entries: BatchEntry[],
  run: (entry: BatchEntry) => Record<string, unknown>,
): { Successful: Record<string, unknown>[]; Failed: Record<string, unknown>[] } {
  const Successful: Record<string, unknown>[] = [];
  const Failed: Record<string, unknown>[] = [];
  for (const entry of entries) {
    try {
      Successful.push({ Id: entry.Id, ...run(entry) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({ Id: entry.Id, SenderFault: true, Code: error.queryCode, Message: error.message });
    }
  }
  return { Successful, Failed };
}
