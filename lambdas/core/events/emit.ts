import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { requireResource } from '../config.ts';
import type { Deps } from '../deps.ts';
import { newMessageId } from '../ids.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import { sendRecords } from '../queue.ts';
import {
  type BusEvent,
  busEvent,
  type DetailType,
  eventSource,
  type PendingEntry,
  type RetryRecord,
} from './bus-events.ts';

/** PutEvents takes at most ten entries per call. */
const maxEntriesPerPut = 10;

export type EventDeps = Pick<Deps, 'config' | 'events' | 'sqs' | 'now'>;

/**
 * Puts events on the bus after the state change they report is stored, ten per PutEvents, all
 * batches at once. Entries the bus refuses (FailedEntryCount, or the whole call failing) go to
 * the event-retries queue, whose consumer puts them again with backoff (events/retries.ts).
 * Never throws: the state change has happened, and failing its request would invite a retry
 * that repeats it; an event that neither the bus nor the retry queue takes is logged and counted
 * (`EventsLost`).
 *
 * @example
 * await emitEvents(deps, [newBusEvent(deps, 'room.created', { room, by, ts })]);
 */
export async function emitEvents(deps: EventDeps, events: readonly BusEvent[]): Promise<void> {
  if (events.length === 0) return;
  const entries = events.map(pendingEntry);
  try {
    const failed = await putEntries(deps, entries);
    if (failed.length === 0) return;
    count('EventsRetried', failed.length);
    await queueRetry(deps, { entries: failed, attempt: 1 });
  } catch (error) {
    count('EventsLost', entries.length);
    logger.error('Events neither put nor queued for retry', {
      detailTypes: entries.map((e) => e.DetailType),
      error: error as Error,
    });
  }
}

/** An event of `detailType` with a fresh `id` unless the detail names one. */
export const newBusEvent = <T extends DetailType>(
  deps: Pick<Deps, 'now'>,
  detailType: T,
  detail: Parameters<typeof busEvent<T>>[1],
): BusEvent => busEvent(detailType, detail, () => newMessageId(deps.now()));

const pendingEntry = (event: BusEvent): PendingEntry => ({
  DetailType: event.detailType,
  Detail: JSON.stringify(event.detail),
});

/**
 * Puts the entries in batches of ten and returns the ones the bus did not take: those it
 * reported failed, and every entry of a call that failed as a whole.
 */
export async function putEntries(
  deps: Pick<Deps, 'config' | 'events'>,
  entries: readonly PendingEntry[],
): Promise<PendingEntry[]> {
  const bus = requireResource(deps.config, 'EVENT_BUS_NAME');
  const batches: PendingEntry[][] = [];
  for (let i = 0; i < entries.length; i += maxEntriesPerPut)
    batches.push(entries.slice(i, i + maxEntriesPerPut));
  const failed = await Promise.all(
    batches.map(async (batch) => {
      const request: PutEventsRequestEntry[] = batch.map((e) => ({
        ...e,
        Source: eventSource,
        EventBusName: bus,
      }));
      try {
        const { FailedEntryCount, Entries } = await deps.events.send(
          new PutEventsCommand({ Entries: request }),
        );
        if (!FailedEntryCount) return [];
        // Results come in request order; a failed one has an ErrorCode and no EventId.
        return batch.filter((_, i) => !Entries?.[i]?.EventId);
      } catch (error) {
        logger.warn('PutEvents failed', { entries: batch.length, error: error as Error });
        return batch;
      }
    }),
  );
  return failed.flat();
}

/**
 * Sends entries to the event-retries queue, delayed by the backoff of their attempt: 1 s, 2 s,
 * 4 s, ... up to EVENT_RETRY_MAX_DELAY_SECONDS (and 900, the SQS delay cap).
 */
export async function queueRetry(deps: Pick<Deps, 'config' | 'sqs'>, record: RetryRecord): Promise<void> {
  const cap = Math.min(900, deps.config.EVENT_RETRY_MAX_DELAY_SECONDS);
  const delaySeconds = Math.min(cap, 2 ** (record.attempt - 1));
  // Ten entries per record keeps one record under the SQS size limit as one PutEvents is under its own.
  const records = [];
  for (let i = 0; i < record.entries.length; i += maxEntriesPerPut) {
    const part: RetryRecord = {
      entries: record.entries.slice(i, i + maxEntriesPerPut),
      attempt: record.attempt,
    };
    records.push({ body: JSON.stringify(part), delaySeconds });
  }
  await sendRecords(deps, requireResource(deps.config, 'EVENT_RETRIES_QUEUE_URL'), records);
}
