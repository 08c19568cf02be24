import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbProcess } from '../../../local/dynamodb/index.ts';
import { printCounts } from '../../helpers/counts.ts';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../helpers/dynamodb-faults.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

// One batch of ten records on the deliveries queue: nine post a frame to three live sockets
// each, the one in the middle stores a notification for a user whose inbox write fails (the
// table answers 500) for a while, so the worker throws for that record alone. Only that record
// comes back; the nine are not run again, so nobody gets their frames twice.
const visibilityTimeoutSeconds = 2;
/** How long the table refuses the flaky user's inbox write after refusing it first. */
const badMomentMs = 1000;

let rt: TestRuntime;
let dynamodb: Awaited<ReturnType<typeof startDynamoDbProcess>>;
let proxy: DynamoDbFaultProxy;
let refusedSince: number | undefined;
/** Inbox writes for the flaky user that reached the table, and those refused. */
const flakyWrites = { refused: 0, passed: 0 };
/** The event source's lines about failed records and batches. */
const failures: string[] = [];

beforeAll(async () => {
  dynamodb = await startDynamoDbProcess({ port: 0, host: '127.0.0.1' });
  proxy = await startDynamoDbFaultProxy(dynamodb.endpoint, (operation, body) => {
    if (operation !== 'PutItem' || !body.includes('INBOX#mb-flaky')) return false;
    refusedSince ??= Date.now();
    const refuse = Date.now() - refusedSince < badMomentMs;
    flakyWrites[refuse ? 'refused' : 'passed'] += 1;
    return refuse;
  });
  rt = await startTestRuntime({
    external: { dynamodb: proxy.endpoint },
    visibilityTimeoutSeconds,
    functionEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
    log: (line) => {
      if (/^sqs .*failed/.test(line)) failures.push(line);
    },
  });
});
afterAll(async () => {
  await rt?.stop();
  await proxy?.close();
  await dynamodb?.close();
});

describe('Delivery worker failing one record of a batch', () => {
  it('gets back only the failed record, and posts each of the others once', async () => {
    const sockets = await Promise.all(['mb-a', 'mb-b', 'mb-c'].map((u) => rt.connect(u)));
    const flaky = await rt.connect('mb-flaky');
    const connectionIds = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#'))
      .filter((c) => String(c.userId).startsWith('mb-') && c.userId !== 'mb-flaky')
      .map((c) => String(c.connectionId ?? String(c.pk).slice('CONN#'.length)));
    expect(connectionIds).toHaveLength(3);

    const frame = (id: string) =>
      JSON.stringify({ type: 'message', id, from: 'mb-test', to: 'x', data: id, ts: 1 });
    const records = Array.from({ length: 10 }, (_, i) =>
      i === 5
        ? {
            type: 'users',
            userIds: ['mb-flaky'],
            entry: {
              messageId: 'mb-note',
              frame: frame('mb-note'),
              expiresAt: Math.floor(Date.now() / 1000) + 600,
            },
          }
        : { type: 'connections', frame: frame(`mb-${i}`), connectionIds, attempt: 0 },
    );
    const postsBefore = rt.gateway.stats().posts200 ?? 0;
    await rt.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: rt.endpoints.queues.deliveries,
        Entries: records.map((r, i) => ({ Id: String(i), MessageBody: JSON.stringify(r) })),
      }),
    );

    expect(await flaky.waitFor((f) => f.id === 'mb-note', 15_000)).toMatchObject({ data: 'mb-note' });
    for (const s of sockets) {
      for (let i = 0; i < 10; i += 1) if (i !== 5) await s.waitFor((f) => f.id === `mb-${i}`, 10_000);
    }
    // Past another visibility timeout: a record wrongly kept would have come back by now.
    await sleep(visibilityTimeoutSeconds * 1000 + 1500);
    const inbox = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'INBOX#mb-flaky')).filter((i) =>
      String(i.sk).startsWith('MSG#'),
    );
    const received = sockets.flatMap((s) => s.ofType('message').map((m) => String(m.id)));
    const noteDeliveries = flaky.ofType('message').filter((m) => m.id === 'mb-note').length;
    const posts = (rt.gateway.stats().posts200 ?? 0) - postsBefore;
    const perMessage = new Map<string, number>();
    for (const id of received) perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
    const duplicated = [...perMessage.values()].filter((n) => n > sockets.length).length;
    printCounts('faults: delivery worker throws for one record of a batch', {
      'records sent': records.length,
      'failed-record reports from the event source': failures.join('; '),
      'flaky inbox writes refused (with SDK retries)': flakyWrites.refused,
      'flaky inbox writes passed (on the record coming back)': flakyWrites.passed,
      'frames expected': 9 * sockets.length + 1,
      'frames received': received.length + noteDeliveries,
      'posts answered 200': posts,
      lost: 9 * sockets.length - received.length + (noteDeliveries === 0 ? 1 : 0),
      'messages posted more than once per socket': duplicated,
      'inbox items stored for the failed record': inbox.length,
    });
    // The worker answered with the one record as a batch item failure (the batch was not failed).
    expect(failures.some((line) => / 1 of \d+ records failed$/.test(line))).toBe(true);
    expect(failures.filter((line) => line.includes('none deleted'))).toEqual([]);
    expect(flakyWrites.refused).toBeGreaterThan(0);
    expect(flakyWrites.passed).toBeGreaterThan(0);
    expect(received.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => i)
        .filter((i) => i !== 5)
        .flatMap((i) => sockets.map(() => `mb-${i}`))
        .sort(),
    );
    expect(noteDeliveries).toBe(1);
    expect(inbox).toHaveLength(1);
    expect(posts).toBe(9 * sockets.length + 1);
    await Promise.all([...sockets, flaky].map((s) => s.close()));
  }, 60_000);
});
