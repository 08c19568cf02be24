import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, type LocalSqs, startSqs } from '../../../local/sqs/index.ts';
import { md5OfMessageAttributes } from '../../../local/sqs/md5.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Service: local SQS', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  let counter = 0;

  async function newQueue(attributes: Record<string, string> = {}): Promise<string> {
    counter += 1;
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({
        QueueName: `q${counter}`,
        Attributes: { VisibilityTimeout: '1', ...attributes },
      }),
    );
    return QueueUrl!;
  }

  async function attributesOf(queueUrl: string): Promise<Record<string, string>> {
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    return Attributes ?? {};
  }

  beforeAll(async () => {
    sqs = await startSqs();
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await sqs.close();
  });

  describe('Method: queues', () => {
    it('creates a queue idempotently and finds it by name', async () => {
      const first = await client.send(new CreateQueueCommand({ QueueName: 'orders', tags: { team: 'a' } }));
      const again = await client.send(new CreateQueueCommand({ QueueName: 'orders' }));
      const found = await client.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
      expect(first.QueueUrl).toBe(`${sqs.endpoint}/000000000000/orders`);
      expect(again.QueueUrl).toBe(first.QueueUrl);
      expect(found.QueueUrl).toBe(first.QueueUrl);
    });

    it('rejects a second create with different attributes as QueueNameExists', async () => {
      await client.send(
        new CreateQueueCommand({ QueueName: 'strict', Attributes: { VisibilityTimeout: '5' } }),
      );
      await expect(
        client.send(new CreateQueueCommand({ QueueName: 'strict', Attributes: { VisibilityTimeout: '6' } })),
      ).rejects.toBeInstanceOf(QueueNameExists);
    });

    it('answers an unknown queue with QueueDoesNotExist and its query-compatible code', async () => {
      const error = await client
        .send(new GetQueueUrlCommand({ QueueName: 'missing' }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueueDoesNotExist);
      expect((error as QueueDoesNotExist).name).toBe('QueueDoesNotExist');
      expect((error as { Code?: string }).Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
      expect((error as QueueDoesNotExist).$metadata.httpStatusCode).toBe(400);
    });

    it('lists queues by prefix', async () => {
      await client.send(new CreateQueueCommand({ QueueName: 'list-a' }));
      await client.send(new CreateQueueCommand({ QueueName: 'list-b' }));
      const { QueueUrls } = await client.send(new ListQueuesCommand({ QueueNamePrefix: 'list-' }));
      expect(QueueUrls?.map((url) => url.split('/').at(-1))).toEqual(['list-a', 'list-b']);
      const page = await client.send(new ListQueuesCommand({ QueueNamePrefix: 'list-', MaxResults: 1 }));
      expect(page.QueueUrls).toHaveLength(1);
      expect(page.NextToken).toBeDefined();
    });

    it('reports named attributes, the ARN and the redrive policy', async () => {
      const dlq = await newQueue();
      const dlqArn = (await attributesOf(dlq)).QueueArn!;
      const queueUrl = await newQueue({
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
      });
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['QueueArn', 'VisibilityTimeout', 'RedrivePolicy', 'ApproximateNumberOfMessages'],
        }),
      );
      expect(Attributes).toEqual({
        QueueArn: `arn:aws:sqs:us-east-1:000000000000:q${counter}`,
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
        ApproximateNumberOfMessages: '0',
      });
    });

    it('purges every message', async () => {
      const queueUrl = await newQueue();
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'a' }));
      await client.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
      expect((await attributesOf(queueUrl)).ApproximateNumberOfMessages).toBe('0');
    });

    it('refuses a second purge of the queue within 60 seconds with PurgeQueueInProgress', async () => {
      const queueUrl = await newQueue();
      await client.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'kept' }));
      await expect(client.send(new PurgeQueueCommand({ QueueUrl: queueUrl }))).rejects.toMatchObject({
        name: 'PurgeQueueInProgress',
      });
      // The refused purge changed nothing.
      expect((await attributesOf(queueUrl)).ApproximateNumberOfMessages).toBe('1');
    });

    it('returns the AWSTraceHeader system attribute it was sent', async () => {
      const queueUrl = await newQueue();
      const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: 'traced',
          MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
        }),
      );
      const { Messages } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageSystemAttributeNames: ['AWSTraceHeader'] }),
      );
      expect(Messages?.[0]?.Attributes).toEqual({ AWSTraceHeader: trace });
    });
  });

  describe('Method: messages', () => {
    it('sends and receives with valid MD5s, attributes and system attributes', async () => {
      const queueUrl = await newQueue();
      const sent = await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: 'héllo 👋',
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'greeting' },
            blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
          },
        }),
      );
      expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
      const { Messages } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const message = Messages?.[0];
      expect(message?.MessageId).toBe(sent.MessageId);
      expect(message?.Body).toBe('héllo 👋');
      expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
      expect(message?.MessageAttributes?.kind?.StringValue).toBe('greeting');
      expect([...(message?.MessageAttributes?.blob?.BinaryValue ?? [])]).toEqual([1, 2, 3]);
      expect(message?.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: 'x' });
      expect(Number(message?.Attributes?.SentTimestamp)).toBeGreaterThan(Date.now() - 5000);
      expect(Number(message?.Attributes?.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(
        Number(message?.Attributes?.SentTimestamp),
      );
    });

    it('computes MD5OfMessageAttributes as SQS documents it', () => {
      expect(
        md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } }),
      ).toBe('cd28f3b68aeee4b2eac9c66f2f694b58');
      expect(
        md5OfMessageAttributes({
          ordinal: { DataType: 'Number', StringValue: '1' },
          category: { DataType: 'String', StringValue: 'test' },
        }),
      ).toBe('d21ae90c49061e927f57df5f5d72be1f');
    });

    it('redelivers after the visibility timeout with ApproximateReceiveCount 2 and a new handle', async () => {
      const queueUrl = await newQueue();
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'again' }));
      const first = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      const hidden = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
      expect(hidden.Messages).toBeUndefined();
      expect((await attributesOf(queueUrl)).ApproximateNumberOfMessagesNotVisible).toBe('1');
      const second = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          WaitTimeSeconds: 3,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      expect(second.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
      expect(second.Messages?.[0]?.ReceiptHandle).not.toBe(first.Messages?.[0]?.ReceiptHandle);
    });

    it('moves a message to the dead-letter queue once received more than maxReceiveCount times', async () => {
      const dlq = await newQueue();
      const dlqArn = (await attributesOf(dlq)).QueueArn!;
      const queueUrl = await newQueue({
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
      });
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));
      const first = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }),
      );
      expect(first.Messages).toHaveLength(1);
      const second = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
      expect(second.Messages).toBeUndefined();
      const dead = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: dlq,
          MessageSystemAttributeNames: ['DeadLetterQueueSourceArn'],
        }),
      );
      expect(dead.Messages?.[0]?.Body).toBe('poison');
      expect(dead.Messages?.[0]?.MessageId).toBe(first.Messages?.[0]?.MessageId);
      expect(dead.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn).toMatch(/:q\d+$/);
    });

    it('holds a delayed message back until its delay passes', async () => {
      const queueUrl = await newQueue();
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'later', DelaySeconds: 1 }),
      );
      expect((await attributesOf(queueUrl)).ApproximateNumberOfMessagesDelayed).toBe('1');
      const early = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
      expect(early.Messages).toBeUndefined();
      const started = Date.now();
      const late = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
      expect(late.Messages?.[0]?.Body).toBe('later');
      expect(Date.now() - started).toBeLessThan(2500);
    });

    it('returns a long poll as soon as a message arrives', async () => {
      const queueUrl = await newQueue();
      const started = Date.now();
      const poll = client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 10 }));
      await sleep(200);
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'now' }));
      const { Messages } = await poll;
      expect(Messages?.[0]?.Body).toBe('now');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('deletes a message with its latest receipt handle', async () => {
      const queueUrl = await newQueue();
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'bye' }));
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
      await client.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages![0]!.ReceiptHandle! }),
      );
      const attributes = await attributesOf(queueUrl);
      expect(attributes.ApproximateNumberOfMessages).toBe('0');
      expect(attributes.ApproximateNumberOfMessagesNotVisible).toBe('0');
    });

    it('rejects a malformed receipt handle', async () => {
      const queueUrl = await newQueue();
      await expect(
        client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'garbage' })),
      ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    });

    it('makes a message visible again when its visibility changes to zero', async () => {
      const queueUrl = await newQueue({ VisibilityTimeout: '30' });
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'retry' }));
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: Messages![0]!.ReceiptHandle!,
          VisibilityTimeout: 0,
        }),
      );
      const again = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
      expect(again.Messages?.[0]?.Body).toBe('retry');
    });

    it('sends, receives, changes and deletes in batches with per-entry outcomes', async () => {
      const queueUrl = await newQueue({ VisibilityTimeout: '30' });
      const sent = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [
            { Id: 'a', MessageBody: 'one' },
            {
              Id: 'b',
              MessageBody: 'two',
              MessageAttributes: { n: { DataType: 'Number', StringValue: '2' } },
            },
            { Id: 'c', MessageBody: 'three', DelaySeconds: 901 },
          ],
        }),
      );
      expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b']);
      expect(sent.Failed).toEqual([expect.objectContaining({ Id: 'c', SenderFault: true })]);
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
      );
      expect(Messages.map((message) => message.Body).sort()).toEqual(['one', 'two']);
      const changed = await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, i) => ({
            Id: `m${i}`,
            ReceiptHandle: message.ReceiptHandle!,
            VisibilityTimeout: 60,
          })),
        }),
      );
      expect(changed.Successful).toHaveLength(2);
      const deleted = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [
            ...Messages.map((message, i) => ({ Id: `m${i}`, ReceiptHandle: message.ReceiptHandle! })),
            { Id: 'bad', ReceiptHandle: 'garbage' },
          ],
        }),
      );
      expect(deleted.Successful).toHaveLength(2);
      expect(deleted.Failed).toEqual([
        expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid' }),
      ]);
      expect((await attributesOf(queueUrl)).ApproximateNumberOfMessagesNotVisible).toBe('0');
    });

    it('rejects a batch of more than ten entries', async () => {
      const queueUrl = await newQueue();
      const Entries = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
      await expect(
        client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries })),
      ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    });

    it('drops messages past the retention period', async () => {
      const queueUrl = await newQueue({ MessageRetentionPeriod: '60' });
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'old' }));
      const realNow = Date.now;
      Date.now = () => realNow() + 61_000;
      try {
        expect((await attributesOf(queueUrl)).ApproximateNumberOfMessages).toBe('0');
      } finally {
        Date.now = realNow;
      }
    });

    it('counts calls by operation', () => {
      const stats = sqs.stats();
      expect(stats.SendMessage).toBeGreaterThan(0);
      expect(stats.ReceiveMessage).toBeGreaterThan(0);
    });
  });
});

describe('Function: createQueues', () => {
  it('creates each manifest queue with its dead-letter queue and redrive policy', async () => {
    const sqs = await startSqs();
    const client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    try {
      const queues = await createQueues({
        endpoint: sqs.endpoint,
        prefix: 'wl',
        visibilityTimeoutSeconds: 2,
      });
      await createQueues({ endpoint: sqs.endpoint, prefix: 'wl', visibilityTimeoutSeconds: 2 });
      expect(queues.deliveries).toEqual({
        url: `${sqs.endpoint}/000000000000/wl-deliveries`,
        arn: 'arn:aws:sqs:us-east-1:000000000000:wl-deliveries',
        dlqUrl: `${sqs.endpoint}/000000000000/wl-deliveries-dlq`,
        dlqArn: 'arn:aws:sqs:us-east-1:000000000000:wl-deliveries-dlq',
      });
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: queues.notifications.url, AttributeNames: ['All'] }),
      );
      expect(Attributes?.VisibilityTimeout).toBe('2');
      expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: queues.notifications.dlqArn,
        maxReceiveCount: 5,
      });
    } finally {
      client.destroy();
      await sqs.close();
    }
  });
});
