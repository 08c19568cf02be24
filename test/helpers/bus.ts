import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { TestRuntime } from './runtime.ts';

/** An event as the local `events` queue holds it: what an SQS target of a rule receives. */
export interface BusEnvelope {
  readonly id: string;
  readonly source: string;
  readonly 'detail-type': string;
  readonly time: string;
  readonly detail: Record<string, unknown> & { id: string };
}

/**
 * Reads the local `events` queue with a real SQS client, deleting what it reads, into `seen`,
 * until `done(seen)` holds or `timeoutMs` passes; returns every event read.
 */
export async function readEvents(
  rt: TestRuntime,
  done: (seen: readonly BusEnvelope[]) => boolean,
  timeoutMs = 10_000,
  seen: BusEnvelope[] = [],
): Promise<BusEnvelope[]> {
  const deadline = Date.now() + timeoutMs;
  const QueueUrl = rt.endpoints.queues.events;
  while (!done(seen) && Date.now() < deadline) {
    const { Messages = [] } = await rt.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) continue;
    for (const m of Messages) seen.push(JSON.parse(m.Body ?? '{}') as BusEnvelope);
    await rt.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  return seen;
}

/** The events of one detail-type that concern `user` (as `user`, `from`, `to` or `by`). */
export const eventsOf = (events: readonly BusEnvelope[], detailType: string, user: string) =>
  events.filter(
    (e) =>
      e['detail-type'] === detailType &&
      [e.detail.user, e.detail.from, e.detail.to, e.detail.by].includes(user),
  );
