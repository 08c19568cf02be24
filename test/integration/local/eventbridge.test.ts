import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEventBridge, startEventBridge } from '../../../local/eventbridge/index.ts';
import { type LocalSqs, startSqs } from '../../../local/sqs/index.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

describe('Service: local EventBridge', () => {
  let sqs: LocalSqs;
  let bus: LocalEventBridge;
  let events: EventBridgeClient;
  let queue: SQSClient;

  beforeAll(async () => {
    sqs = await startSqs();
    bus = await startEventBridge({ sqsEndpoint: sqs.endpoint, queueName: 'events' });
    events = new EventBridgeClient({ endpoint: bus.endpoint, region, credentials, maxAttempts: 1 });
    queue = new SQSClient({ endpoint: sqs.endpoint, region, credentials });
  });
  afterAll(async () => {
    events?.destroy();
    queue?.destroy();
    await bus?.close();
    await sqs?.close();
  });

  const receive = async () => {
    const { Messages = [] } = await queue.send(
      new ReceiveMessageCommand({ QueueUrl: bus.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    return Messages.map((m) => JSON.parse(m.Body ?? '{}'));
  };

  it('answers PutEvents with an event id and copies the event, as a rule target gets it, to the queue', async () => {
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [{ Source: 'test', DetailType: 'thing.done', Detail: '{"a":1}', EventBusName: 'any' }],
      }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    const [event] = await receive();
    expect(event).toMatchObject({
      version: '0',
      id: answer.Entries?.[0]?.EventId,
      source: 'test',
      'detail-type': 'thing.done',
      region,
      detail: { a: 1 },
    });
  });

  it('fails an entry whose detail is not a JSON object, and puts the others', async () => {
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'test', DetailType: 'bad', Detail: 'not json' },
          { Source: 'test', DetailType: 'good', Detail: '{}' },
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(1);
    expect(answer.Entries?.[0]?.ErrorCode).toBe('MalformedDetail');
    expect((await receive()).map((e) => e['detail-type'])).toEqual(['good']);
  });

  it('refuses more than ten entries with a ValidationException, and copies nothing', async () => {
    const entry = { Source: 'test', DetailType: 'x', Detail: '{}' };
    await expect(events.send(new PutEventsCommand({ Entries: Array(11).fill(entry) }))).rejects.toMatchObject(
      {
        name: 'ValidationException',
      },
    );
    expect(await receive()).toEqual([]);
  });

  it('answers ThrottlingException while a fault window is open, and puts again once it closes', async () => {
    const entry = { Source: 'test', DetailType: 'x', Detail: '{}' };
    bus.fail('throttle', 60_000);
    await expect(events.send(new PutEventsCommand({ Entries: [entry] }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    bus.fail('throttle', 0);
    expect((await events.send(new PutEventsCommand({ Entries: [entry] }))).FailedEntryCount).toBe(0);
    expect(await receive()).toHaveLength(1);
  });

  it('answers other operations UnknownOperationException', async () => {
    await expect(events.send(new ListRulesCommand({}))).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
  });
});
