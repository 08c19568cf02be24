import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Deps } from './deps.ts';

export interface OutgoingRecord {
  readonly body: string;
  readonly delaySeconds?: number;
}

/**
 * Sends records in batches of ten (the SQS maximum), retrying the entries SQS reports as
 * failed once; throws if any still fail, so the caller never believes a lost record was sent.
 */
export async function sendRecords(
  deps: Pick<Deps, 'sqs'>,
  queueUrl: string,
  records: readonly OutgoingRecord[],
): Promise<void> {
  const batches: OutgoingRecord[][] = [];
  for (let i = 0; i < records.length; i += 10) batches.push(records.slice(i, i + 10));
  await Promise.all(batches.map((batch) => sendBatch(deps, queueUrl, batch)));
}

async function sendBatch(
  deps: Pick<Deps, 'sqs'>,
  queueUrl: string,
  batch: readonly OutgoingRecord[],
): Promise<void> {
  let entries = batch.map((r, i) => ({ Id: String(i), MessageBody: r.body, DelaySeconds: r.delaySeconds }));
  for (let attempt = 0; entries.length > 0; attempt += 1) {
    const { Failed } = await deps.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );
    if (!Failed?.length) return;
    if (attempt >= 1) {
      throw new Error(`SQS refused ${Failed.length} record(s): ${Failed.map((f) => f.Code).join(', ')}`);
    }
    const failedIds = new Set(Failed.map((f) => f.Id));
    entries = entries.filter((e) => failedIds.has(e.Id));
  }
}
