import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { count } from '../metrics.ts';
import type { PendingEntry, RetryRecord } from './bus-events.ts';
import { putEntries, queueRetry } from './emit.ts';

/** What became of one retry record. */
export type RetryOutcome = 'put' | 'requeued' | 'exhausted';

/**
 * Puts a retry record's entries again. Entries the bus still refuses go back to the queue as a
 * new record one attempt further on, delayed by the next backoff step (so the SQS record itself
 * succeeds and never burns its receive count on an outage); after EVENT_RETRY_ATTEMPTS puts the
 * caller moves the record to the dead-letter queue (`exhausted`), which raises an alarm. If the
 * queue refuses the new record this throws, and the original record comes back after its
 * visibility timeout.
 */
export async function retryEvents(
  deps: Pick<Deps, 'config' | 'events' | 'sqs'>,
  record: RetryRecord,
): Promise<RetryOutcome> {
  const failed = await putEntries(deps, record.entries);
  if (failed.length === 0) return 'put';
  if (record.attempt + 1 > deps.config.EVENT_RETRY_ATTEMPTS) return 'exhausted';
  count('EventsRetried', failed.length);
  await queueRetry(deps, { entries: failed, attempt: record.attempt + 1 });
  return 'requeued';
}

/** Reads a retry record's body; a body that is not one throws an AppError (dead-lettered). */
export function parseRetryRecord(body: string): RetryRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AppError('BAD_REQUEST', 'The retry record is not JSON');
  }
  const { entries, attempt } = (parsed ?? {}) as { entries?: unknown; attempt?: unknown };
  const valid =
    Array.isArray(entries) &&
    entries.every(
      (e: Partial<PendingEntry> | null) => typeof e?.DetailType === 'string' && typeof e?.Detail === 'string',
    ) &&
    typeof attempt === 'number' &&
    Number.isInteger(attempt) &&
    attempt >= 1;
  if (!valid)
    throw new AppError('BAD_REQUEST', 'The retry record needs entries (DetailType, Detail) and attempt');
  return { entries: entries as PendingEntry[], attempt };
}
