import type { SQSRecord } from 'aws-lambda';

/**
 * Which records to delete after an invoke, read the way the event source mapping reads a
 * response with `ReportBatchItemFailures`:
 * - nothing, `null`, an object without `batchItemFailures`, or an empty list: every record
 *   succeeded;
 * - `batchItemFailures` listing message ids: all but those succeeded;
 * - a malformed list, or an `itemIdentifier` that is empty or not in the batch: the whole batch
 *   failed, so nothing is deleted.
 */
export function recordsToDelete(response: unknown, records: readonly SQSRecord[]): SQSRecord[] {
  if (response === null || typeof response !== 'object' || !('batchItemFailures' in response)) {
    return [...records];
  }
  const failures = response.batchItemFailures;
  if (failures === null || failures === undefined) return [...records];
  if (!Array.isArray(failures)) return [];
  const ids = new Set(records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.has(id)) return [];
    failed.add(id);
  }
  return records.filter((record) => !failed.has(record.messageId));
}
