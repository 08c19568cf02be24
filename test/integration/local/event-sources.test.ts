import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  recordsToDelete,
  type SqsEventSource,
  startSqsEventSource,
} from '../../../local/event-sources/index.ts';
import { type LocalSqs, startSqs } from '../../../local/sqs/index.ts';

async function waitFor<T>(read: () => T | undefined, timeoutMs = 6000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Function: startSqsEventSource', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  let source: SqsEventSource | undefined;
  let counter = 0;

  /** A queue hiding received messages for one second, dead-lettering after two receives. */
  async function newQueue(): Promise<{ url: string; arn: string; dlqUrl: string }> {
    counter += 1;
    const dlq = await client.send(new CreateQueueCommand({ QueueName: `es${counter}-dlq` }));
    const dlqArn = `arn:aws:sqs:us-east-1:000000000000:es${counter}-dlq`;
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({
        QueueName: `es${counter}`,
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
        },
      }),
    );
    return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:es${counter}`, dlqUrl: dlq.QueueUrl! };
  }

  function start(
    queue: { url: string; arn: string },
    invoke: (event: SQSEvent) => Promise<unknown>,
    pollers = 1,
  ): void {
    source = startSqsEventSource({
      endpoint: sqs.endpoint,
      queueUrl: queue.url,
      queueArn: queue.arn,
      batchSize: 10,
      pollers,
      invoke,
    });
  }

  async function sendBatch(queueUrl: string, bodies: string[]): Promise<void> {
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((body, i) => ({ Id: `m${i}`, MessageBody: body })),
      }),
    );
  }

  async function messagesLeft(queueUrl: string): Promise<number> {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible)
    );
  }

  beforeAll(async () => {
    sqs = await startSqs();
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  afterAll(async () => {
    client.destroy();
    await sqs.close();
  });

  it('invokes with Lambda-shaped records and deletes them when the handler returns nothing', async () => {
    const queue = await newQueue();
    const events: SQSEvent[] = [];
    start(queue, async (event) => {
      events.push(event);
    });
    await client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'greeting' } },
      }),
    );
    const record = await waitFor(() => events[0]?.Records[0]);
    expect(record).toMatchObject({
      body: '{"hello":"world"}',
      md5OfBody: createHash('md5').update('{"hello":"world"}').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
      messageAttributes: {
        kind: { stringValue: 'greeting', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      attributes: { ApproximateReceiveCount: '1', SenderId: 'x' },
    });
    expect(record.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.receiptHandle).not.toBe('');
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThan(0);
    await expect.poll(() => messagesLeft(queue.url)).toBe(0);
  });

  it('brings back only the records reported in batchItemFailures', async () => {
    const queue = await newQueue();
    await sendBatch(queue.url, ['ok-1', 'bad', 'ok-2']);
    const seen: SQSRecord[][] = [];
    start(queue, async (event) => {
      seen.push(event.Records);
      const bad = event.Records.filter(
        (r) => r.body === 'bad' && r.attributes.ApproximateReceiveCount === '1',
      );
      return { batchItemFailures: bad.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    const retry = await waitFor(() => seen[1]);
    expect(seen[0]?.map((r) => r.body).sort()).toEqual(['bad', 'ok-1', 'ok-2']);
    expect(retry.map((r) => [r.body, r.attributes.ApproximateReceiveCount])).toEqual([['bad', '2']]);
    await expect.poll(() => messagesLeft(queue.url)).toBe(0);
  });

  it('brings back the whole batch when the handler throws', async () => {
    const queue = await newQueue();
    await sendBatch(queue.url, ['a', 'b']);
    const seen: SQSRecord[][] = [];
    start(queue, async (event) => {
      seen.push(event.Records);
      if (seen.length === 1) throw new Error('downstream unavailable');
    });
    const retry = await waitFor(() => seen[1]);
    expect(retry.map((r) => r.body).sort()).toEqual(['a', 'b']);
    expect(retry.every((r) => r.attributes.ApproximateReceiveCount === '2')).toBe(true);
  });

  it('fails the whole batch when an itemIdentifier is not in it', async () => {
    const queue = await newQueue();
    await sendBatch(queue.url, ['x', 'y']);
    const seen: SQSRecord[][] = [];
    start(queue, async (event) => {
      seen.push(event.Records);
      return seen.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] } : undefined;
    });
    const retry = await waitFor(() => seen[1]);
    expect(retry.map((r) => r.body).sort()).toEqual(['x', 'y']);
  });

  it('moves a poison message to the dead-letter queue after maxReceiveCount failures', async () => {
    const queue = await newQueue();
    let invokes = 0;
    start(queue, async () => {
      invokes += 1;
      throw new Error('poison');
    });
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'poison' }));
    const { Messages } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 8 }),
    );
    expect(Messages?.[0]?.Body).toBe('poison');
    expect(invokes).toBe(2);
  });

  it('stops at once while long polling', async () => {
    const queue = await newQueue();
    start(queue, async () => undefined, 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await source?.stop();
    source = undefined;
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('Function: recordsToDelete', () => {
  const records = ['a', 'b'].map((messageId) => ({ messageId }) as SQSRecord);
  const ids = (response: unknown) => recordsToDelete(response, records).map((r) => r.messageId);

  it('deletes every record for an empty, null or failure-free response', () => {
    expect(ids(undefined)).toEqual(['a', 'b']);
    expect(ids(null)).toEqual(['a', 'b']);
    expect(ids({})).toEqual(['a', 'b']);
    expect(ids({ batchItemFailures: [] })).toEqual(['a', 'b']);
    expect(ids({ batchItemFailures: null })).toEqual(['a', 'b']);
  });

  it('keeps the reported records', () => {
    expect(ids({ batchItemFailures: [{ itemIdentifier: 'b' }] })).toEqual(['a']);
  });

  it('deletes nothing when an itemIdentifier is empty, missing or unknown', () => {
    expect(ids({ batchItemFailures: [{ itemIdentifier: '' }] })).toEqual([]);
    expect(ids({ batchItemFailures: [{ id: 'a' }] })).toEqual([]);
    expect(ids({ batchItemFailures: [{ itemIdentifier: 'zzz' }] })).toEqual([]);
    expect(ids({ batchItemFailures: 'a' })).toEqual([]);
  });
});
