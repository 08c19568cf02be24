import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbProcess } from '../../../local/dynamodb/index.ts';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../helpers/dynamodb-faults.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

// Two pollers hand the notifications consumer overlapping batches in one process, as the local
// runtime does: each batch must be answered with its own outcome, so a good notification is
// stored once and a malformed one dead-lettered once. Some good ones fail on their first try
// (the table answers 500 to their inbox write), so batches carry failures to report.
const good = 200;
/** Every tenth good notification fails its first inbox write, with all of the SDK's retries. */
const isFlaky = (n: number) => n % 10 === 3;
/** How long the table refuses a flaky notification's write after refusing it first. */
const badMomentMs = 1000;
const malformed = 20;
const recipients = Array.from({ length: 10 }, (_, i) => `poll-${i}`);

let rt: TestRuntime;
let dynamodb: Awaited<ReturnType<typeof startDynamoDbProcess>>;
let proxy: DynamoDbFaultProxy;
/** When the table first refused each flaky notification. */
const firstRefused = new Map<string, number>();

beforeAll(async () => {
  dynamodb = await startDynamoDbProcess({ port: 0, host: '127.0.0.1' });
  proxy = await startDynamoDbFaultProxy(dynamodb.endpoint, (operation, body) => {
    const marker = operation === 'PutItem' ? /flaky-\d+/.exec(body)?.[0] : undefined;
    if (!marker) return false;
    const since = firstRefused.get(marker) ?? Date.now();
    firstRefused.set(marker, since);
    return Date.now() - since < badMomentMs;
  });
  rt = await startTestRuntime({
    external: { dynamodb: proxy.endpoint },
    queuePollers: 2,
    // Longer than a batch takes here, so that only a batch left undeleted comes back.
    visibilityTimeoutSeconds: 3,
    // Each dead-lettered record logs a WARN; the counts below say what happened.
    functionEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
});
afterAll(async () => {
  await rt?.stop();
  await proxy?.close();
  await dynamodb?.close();
});

async function queueDepth(url: string): Promise<number> {
  const { Attributes = {} } = await rt.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function drainDeadLetters(): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await rt.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: rt.endpoints.deadLetterQueues.notifications,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
      }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => m.Body ?? ''));
  }
}

describe('Notifications queue with two pollers', () => {
  it('stores each good notification once and dead-letters each malformed one once', async () => {
    const bodies: string[] = [];
    for (let n = 0; n < good; n += 1) {
      const to = recipients[n % recipients.length];
      // Half carry an idempotency id; the other half would be stored again under a new id if
      // their record were processed twice.
      const id = n % 2 === 0 ? { id: `note-${n}` } : {};
      const data = isFlaky(n) ? { n, tag: `flaky-${n}` } : { n };
      bodies.push(JSON.stringify({ target: { users: [to] }, data, from: 'poll-test', ...id }));
    }
    const bad: string[] = [];
    for (let m = 0; m < malformed; m += 1) {
      bad.push(m % 2 === 0 ? `not json ${m}` : JSON.stringify({ target: { users: [] }, data: { m } }));
    }
    // Malformed records spread through the stream, so most batches hold one.
    const all = [...bodies];
    for (const [m, body] of bad.entries()) all.splice(m * 11, 0, body);
    const batches = Array.from({ length: Math.ceil(all.length / 10) }, (_, b) =>
      all.slice(b * 10, b * 10 + 10),
    );
    await Promise.all(
      batches.map((batch) =>
        rt.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: rt.endpoints.queues.notifications,
            Entries: batch.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
          }),
        ),
      ),
    );

    // Done when the queue stays empty past a visibility timeout (a batch answered wrongly
    // would have come back by then).
    let emptySince = 0;
    const settled = await eventually(
      async () => {
        if ((await queueDepth(rt.endpoints.queues.notifications)) > 0) emptySince = 0;
        else emptySince ||= Date.now();
        return emptySince > 0 && Date.now() - emptySince > 1000;
      },
      // Generous: other suites share the two cores; unloaded this takes a few seconds.
      60_000,
      200,
    );
    expect(settled, 'the queue empties').toBe(true);

    const stored = new Map<number, number>();
    for (const user of recipients) {
      const items = await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${user}`);
      for (const item of items.filter((i) => String(i.sk).startsWith('MSG#'))) {
        const frame = JSON.parse(String(item.frame)) as { data: { n: number } };
        expect(frame).toMatchObject({ data: { n: expect.any(Number) } });
        expect(recipients[frame.data.n % recipients.length]).toBe(user);
        stored.set(frame.data.n, (stored.get(frame.data.n) ?? 0) + 1);
      }
    }
    const deadLetters = await drainDeadLetters();
    const lost = Array.from({ length: good }, (_, n) => n).filter((n) => !stored.has(n)).length;
    const storedTwice = [...stored.values()].filter((c) => c > 1).length;
    const deadTwice = bad.filter((body) => deadLetters.filter((d) => d === body).length > 1).length;
    console.log(
      [
        'two pollers on the notifications queue:',
        `  sent ${good} good (${firstRefused.size} failing their first try) + ${malformed} malformed records`,
        `  table calls failed by injection ${proxy.injected()}`,
        `  stored ${[...stored.values()].reduce((a, b) => a + b, 0)} inbox items for ${stored.size} notifications`,
        `  lost ${lost}, stored more than once ${storedTwice}`,
        `  dead-lettered ${deadLetters.length} records, ${deadTwice} of them more than once`,
      ].join('\n'),
    );
    expect({ lost, storedTwice }).toEqual({ lost: 0, storedTwice: 0 });
    expect(deadLetters.sort()).toEqual([...bad].sort());
  }, 90_000);
});
