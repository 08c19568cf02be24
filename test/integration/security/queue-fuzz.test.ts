import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { excludedByEnv, formatCensus, fuzzSeed, Tally, takeCensus } from '../../helpers/fuzz/census.ts';
import { fuzzEnv } from '../../helpers/fuzz/env.ts';
import { type FuzzRecord, fuzzRecipients, fuzzRecords } from '../../helpers/fuzz/notification-records.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

/**
 * Property-based fuzz of the notifications queue (issue 11, item 9), through the real SQS client
 * and the local SQS endpoint: every malformed record reaches the dead-letter queue once, with its
 * reason, on its first receive (no record fails and comes back); every good one is delivered once
 * to each of its connected recipients and stored once in each inbox.
 */
const seed = fuzzSeed(20261204);
const recordCount = Number(process.env.FUZZ_RECORDS ?? 520);

let rt: TestRuntime;

const sockets = new Map<string, TestSocket>();
const runtimeLog: string[] = [];

beforeAll(async () => {
  rt = await startTestRuntime({
    functionEnv: fuzzEnv,
    // The manifest's visibility timeout (6 minutes) stays: a shorter one hands a batch still being
    // processed to the second poller, a duplicate the test would blame on the consumer. A record
    // that fails on its first receive is seen in the event source's log instead, at once.
    log: (line) => {
      if (line.startsWith('sqs ')) runtimeLog.push(line);
    },
  });
  for (const user of fuzzRecipients) sockets.set(user, await rt.connect(user));
});
afterAll(async () => {
  for (const s of sockets.values()) await s.close();
  await rt?.stop();
});

const attribute = (m: Message, name: string) => m.MessageAttributes?.[name]?.StringValue;

async function drain(
  queueUrl: string,
  until: (all: Message[]) => boolean,
  timeoutMs: number,
): Promise<Message[]> {
  const all: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !until(all)) {
    const { Messages = [] } = await rt.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 600,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    all.push(...Messages);
  }
  return all;
}

const failedRecords = () =>
  runtimeLog.filter(
    (l) => l.includes('notifications') && /failed/.test(l) && !l.includes('poll failed: Abort'),
  );

describe('notifications queue under fuzzed records', () => {
  it('dead-letters every malformed record once with its reason on its first receive, and delivers every good one once', async () => {
    const started = Date.now();
    const records = fuzzRecords(recordCount, seed).filter((r) => !excludedByEnv(r.label));
    const good = records.filter((r): r is Extract<FuzzRecord, { kind: 'good' }> => r.kind === 'good');
    const bad = records.filter((r) => r.kind === 'bad');
    const queueUrl = rt.endpoints.queues.notifications;
    const dlqUrl = rt.endpoints.deadLetterQueues.notifications;
    const censusBefore = await takeCensus(rt.db, rt.endpoints.tableName);

    // Sent with the real SQS client, ten to a call; the ids SQS gives tell the dead letters apart.
    const sqsIdOf = new Map<string, FuzzRecord>();
    for (let i = 0; i < records.length; i += 10) {
      const batch = records.slice(i, i + 10);
      const { Successful = [], Failed = [] } = await rt.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((r, j) => ({ Id: String(j), MessageBody: r.body })),
        }),
      );
      if (Failed.length > 0) throw new Error(`SQS refused records: ${JSON.stringify(Failed)}`);
      for (const s of Successful) sqsIdOf.set(s.MessageId!, batch[Number(s.Id)]!);
    }

    const expectedDeliveries = good.reduce((n, r) => n + r.users.length, 0);
    const delivered = () => [...sockets.values()].reduce((n, s) => n + s.ofType('notification').length, 0);
    const deadLetters = await drain(
      dlqUrl,
      (all) => all.length >= bad.length && delivered() >= expectedDeliveries,
      150_000,
    );
    // A late duplicate (a record dead-lettered twice, a notification delivered twice) shows up here.
    await new Promise((r) => setTimeout(r, 1000));
    deadLetters.push(...(await drain(dlqUrl, () => false, 1000)));

    // Dead letters: one per malformed record, each with a reason, none from a good record.
    const reasons = new Tally();
    const outcomes = new Tally();
    const problems: string[] = [];
    const seenSources = new Set<string>();
    for (const m of deadLetters) {
      const source = attribute(m, 'sourceMessageId');
      const reason = attribute(m, 'reason');
      const record = source ? sqsIdOf.get(source) : undefined;
      if (!reason) problems.push(`dead letter without a reason: ${m.Body?.slice(0, 120)}`);
      if (!record) problems.push(`dead letter of no record sent (redriven?): ${m.Body?.slice(0, 120)}`);
      else if (record.kind === 'good')
        problems.push(`good record dead-lettered (${reason}): ${record.body.slice(0, 120)}`);
      if (source && seenSources.has(source)) problems.push(`dead-lettered twice: ${record?.label}`);
      if (source) seenSources.add(source);
      reasons.add((reason ?? '(none)').split(':')[0]!);
      if (record) outcomes.add(`dead-lettered ${record.label}`);
    }
    for (const [id, record] of sqsIdOf) {
      if (record.kind === 'bad' && !seenSources.has(id))
        problems.push(`malformed record not dead-lettered: ${record.label}: ${record.body.slice(0, 120)}`);
    }

    // Good records: once to each recipient's connection, once in each inbox.
    const deliveries = new Map<string, number>();
    for (const [user, socket] of sockets) {
      for (const f of socket.ofType('notification')) {
        const marker = (f.data as { marker?: string } | null)?.marker ?? '(no marker)';
        const key = `${user} ${marker}`;
        deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
      }
    }
    const stored = new Map<string, number>();
    for (const user of fuzzRecipients) {
      for (const item of await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${user}`)) {
        if (!String(item.sk).startsWith('MSG#')) continue;
        // An inbox entry holds the frame it pushes, serialized.
        const frame = JSON.parse(String(item.frame)) as { data?: { marker?: string } | null };
        const marker = frame.data?.marker ?? '(no marker)';
        const key = `${user} ${marker}`;
        stored.set(key, (stored.get(key) ?? 0) + 1);
      }
    }
    let deliveredOnce = 0;
    for (const r of good) {
      for (const user of r.users) {
        const key = `${user} ${r.marker}`;
        const d = deliveries.get(key) ?? 0;
        const s = stored.get(key) ?? 0;
        if (d === 1 && s === 1) deliveredOnce++;
        else
          problems.push(
            `good record ${r.label} to ${user}: delivered ${d}, stored ${s}: ${r.body.slice(0, 100)}`,
          );
        deliveries.delete(key);
        stored.delete(key);
      }
    }
    for (const [key, n] of deliveries) problems.push(`unexpected delivery ${key} x${n}`);
    for (const [key, n] of stored) problems.push(`unexpected inbox entry ${key} x${n}`);

    const { Attributes = {} } = await rt.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const left =
      Number(Attributes.ApproximateNumberOfMessages) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    const failed = failedRecords();
    const censusAfter = await takeCensus(rt.db, rt.endpoints.tableName);

    console.log(
      [
        `Queue fuzz (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
        `  records sent ${records.length}: good ${good.length}, malformed ${bad.length}`,
        `  dead letters ${deadLetters.length} (with a reason ${deadLetters.filter((m) => attribute(m, 'reason')).length}); reasons: ${reasons}`,
        `  good deliveries expected ${expectedDeliveries}, delivered exactly once and stored once ${deliveredOnce}`,
        `  records that failed and came back (event source log): ${failed.length}; left on the queue ${left}`,
        `  items before (by pk prefix, RATE# excluded): ${formatCensus(censusBefore)}`,
        `  items after:                                  ${formatCensus(censusAfter)}`,
        `  problems ${problems.length}${problems.length ? ':' : ''}`,
        ...problems.slice(0, 25).map((p) => `    ${p}`),
        ...failed.slice(0, 5).map((l) => `    runtime: ${l}`),
      ].join('\n'),
    );

    expect(records.length).toBeGreaterThanOrEqual(500);
    expect(problems).toEqual([]);
    expect(failed).toEqual([]);
    expect(left).toBe(0);
    expect(deliveredOnce).toBe(expectedDeliveries);
  }, 240_000);
});
