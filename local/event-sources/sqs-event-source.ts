import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { recordsToDelete } from './batch-outcome.ts';
import { toSqsEvent } from './sqs-event.ts';

/** Options of {@link startSqsEventSource}. */
export interface SqsEventSourceOptions {
  /** The SQS endpoint the queue lives on. */
  readonly endpoint: string;
  readonly queueUrl: string;
  /** Reported as each record's `eventSourceARN`. */
  readonly queueArn: string;
  /** Records per invoke, at most 10 (more needs a batching window, which is not emulated). */
  readonly batchSize: number;
  /** The consumer, usually a `LocalFunction`'s invoke. */
  readonly invoke: (event: SQSEvent) => Promise<unknown>;
  /** Concurrent pollers, each running one batch at a time. @default 2 */
  readonly pollers?: number;
  /** Receives a line for each failed batch and each polling error. */
  readonly log?: (line: string) => void;
}

export interface SqsEventSource {
  /** Ends polling at once and waits for batches already handed to the consumer. */
  stop(): Promise<void>;
}

/** Long poll length; stop aborts the poll, so a long wait costs nothing on shutdown. */
const waitTimeSeconds = 20;
const retryDelayMs = 1000;

/**
 * Polls a queue and invokes the consumer as Lambda's SQS event source mapping does with
 * `FunctionResponseTypes: ['ReportBatchItemFailures']`: records the consumer reports as failed,
 * or the whole batch when it throws or times out, stay in the queue and come back after the
 * visibility timeout (and reach the dead-letter queue after `maxReceiveCount` receives).
 *
 * @example
 * const source = startSqsEventSource({ endpoint, queueUrl, queueArn, batchSize: 10, invoke: fn.invoke });
 * await source.stop();
 */
export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const client = new SQSClient({
    endpoint: options.endpoint,
    region: options.queueArn.split(':')[3] || 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const controller = new AbortController();
  const { signal } = controller;
  const log = options.log ?? (() => undefined);
  const name = options.queueUrl.split('/').at(-1) ?? options.queueUrl;

  const pollOnce = async (): Promise<void> => {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(Math.max(options.batchSize, 1), 10),
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    if (Messages.length === 0) return;
    const event = toSqsEvent(Messages, options.queueArn);
    let response: unknown;
    try {
      response = await options.invoke(event);
    } catch (error) {
      log(`sqs ${name} batch of ${Messages.length} failed, none deleted: ${describe(error)}`);
      return;
    }
    const done = recordsToDelete(response, event.Records);
    if (done.length < event.Records.length) {
      log(`sqs ${name} ${event.Records.length - done.length} of ${event.Records.length} records failed`);
    }
    if (done.length === 0) return;
    // Not tied to the stop signal: a batch the consumer finished is always acknowledged.
    const { Failed = [] } = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })),
      }),
    );
    for (const failure of Failed) log(`sqs ${name} delete failed: ${failure.Code} ${failure.Message}`);
  };

  const poll = async (): Promise<void> => {
    while (!signal.aborted) {
      try {
        await pollOnce();
      } catch (error) {
        if (signal.aborted) return;
        log(`sqs ${name} poll failed: ${describe(error)}`);
        await sleep(retryDelayMs, signal);
      }
    }
  };

  const pollers = Array.from({ length: options.pollers ?? 2 }, () => poll());
  return {
    stop: async () => {
      controller.abort();
      await Promise.all(pollers);
      client.destroy();
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
