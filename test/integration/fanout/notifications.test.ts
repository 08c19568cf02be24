import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDeps } from '../../../lambdas/core/clients.ts';
import { keys, sweepShardOf, sweepShards } from '../../../lambdas/core/store/keys.ts';
import { addMember } from '../../../lambdas/core/store/members.ts';
import { createRoom } from '../../../lambdas/core/store/rooms.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep, type TestSocket } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const notify = (body: unknown) =>
  rt.sqs.send(
    new SendMessageCommand({
      QueueUrl: rt.endpoints.queues.notifications,
      MessageBody: JSON.stringify(body),
    }),
  );

const inboxMessages = async (prefix: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${prefix}`)).filter((i) =>
    String(i.sk).startsWith('MSG#'),
  );

async function createRoomWithMembers(roomId: string, members: readonly string[]): Promise<void> {
  const deps = getDeps();
  await createRoom(deps, {
    roomId,
    name: roomId,
    type: 'public',
    owner: members[0] as string,
    maxMembers: 0,
  });
  for (const userId of members) await addMember(deps, roomId, userId, 'member');
}

describe('Notifications to a room', () => {
  it("stores a room notification in every member's inbox and delivers it to the members online", async () => {
    const members = Array.from({ length: 30 }, (_, i) => `rm-${i}`);
    await createRoomWithMembers('launch', members);
    const online = await Promise.all([rt.connect('rm-0'), rt.connect('rm-0'), rt.connect('rm-29')]);
    const outsider = await rt.connect('not-a-member');
    await notify({ target: { room: 'launch' }, data: { title: 'Launch' }, from: 'ops' });
    for (const s of online) {
      expect(await s.waitFor((f) => f.type === 'notification', 8000)).toMatchObject({
        from: 'ops',
        data: { title: 'Launch' },
      });
    }
    // 30 members: more than one inline batch, so shards of users went through the deliveries queue.
    expect(await eventually(async () => (await inboxMessages('rm-')).length === members.length, 8000)).toBe(
      true,
    );
    await sleep(200);
    expect(outsider.ofType('notification')).toHaveLength(0);
    for (const s of online) expect(s.ofType('notification')).toHaveLength(1);
    await Promise.all([...online, outsider].map((s) => s.close()));
  });

  it('moves a notification to a room that does not exist to the dead-letter queue with the reason', async () => {
    await notify({ target: { room: 'no-such-room' }, data: 1 });
    let reason: string | undefined;
    const deadline = Date.now() + 8000;
    while (!reason && Date.now() < deadline) {
      const { Messages } = await rt.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: rt.endpoints.deadLetterQueues.notifications,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      reason = Messages?.[0]?.MessageAttributes?.reason?.StringValue;
    }
    expect(reason).toBe('BAD_REQUEST: room not found: no-such-room');
  });
});

describe('Notifications to everyone', () => {
  it('delivers an "all" notification once to every live connection by last-seen shards, storing nothing', async () => {
    // An expired last-seen record that TTL has not removed yet: the query's filter skips it.
    await rt.db.send(
      new PutCommand({
        TableName: rt.endpoints.tableName,
        Item: {
          ...keys.seen('ExpiredConn00='),
          connectionId: 'ExpiredConn00=',
          userId: 'expired-user',
          lastSeenAt: Date.now() - 7_200_000,
          expiresAt: Math.floor(Date.now() / 1000) - 10,
        },
      }),
    );
    const users = ['all-a', 'all-b', 'all-c', 'all-d', 'all-e'];
    const sockets = await Promise.all([...users, 'all-a'].map((u) => rt.connect(u)));
    const before = { sqs: rt.sqsStats(), gateway: rt.gateway.stats() };
    await notify({ target: { all: true }, data: 'maintenance at noon', from: 'ops' });
    for (const s of sockets) await s.waitFor((f) => f.type === 'notification', 8000);
    await sleep(300);
    for (const s of sockets)
      expect(s.ofType('notification')).toMatchObject([{ data: 'maintenance at noon' }]);
    // Sixteen shard records, two batches; no post to the expired record (it would answer 410).
    expect((rt.sqsStats().SendMessageBatch ?? 0) - (before.sqs.SendMessageBatch ?? 0)).toBe(2);
    expect(rt.gateway.stats().posts410 ?? 0).toBe(before.gateway.posts410 ?? 0);
    expect(await inboxMessages('all-')).toHaveLength(0);
    await Promise.all(sockets.map((s) => s.close()));
  });

  it('reaches connections in each of the 16 shards of the last-seen records', async () => {
    const sockets: TestSocket[] = [];
    const shards = new Set<number>();
    for (let i = 0; shards.size < sweepShards && i < 200; i += 1) {
      sockets.push(await rt.connect(`every-${i}`));
      for (const id of await connectionIdsOf(`every-${i}`)) shards.add(sweepShardOf(id));
    }
    expect(shards.size).toBe(sweepShards);
    await notify({ target: { all: true }, data: 'to every shard', from: 'ops' });
    for (const s of sockets) await s.waitFor((f) => f.type === 'notification', 8000);
    await sleep(300);
    for (const s of sockets) expect(s.ofType('notification')).toMatchObject([{ data: 'to every shard' }]);
    await Promise.all(sockets.map((s) => s.close()));
    // About 55 connections cover the 16 shards on average, connected one at a time.
  }, 60_000);

  it('still delivers a broadcast queued as byUser scan segments before shards, to every connection', async () => {
    // Segment 7, the continuation, covers shards 7 and 15: a connection in each, so a
    // continuation that reaches neither or one of them fails every run.
    const continued = [7, 15];
    const sockets: TestSocket[] = [];
    const shards = new Set<number>();
    for (let i = 0; !continued.every((n) => shards.has(n)) && i < 200; i += 1) {
      sockets.push(await rt.connect(`legacy-${i}`));
      for (const id of await connectionIdsOf(`legacy-${i}`)) shards.add(sweepShardOf(id));
    }
    expect(continued.filter((n) => shards.has(n))).toEqual(continued);
    const frame = JSON.stringify({
      type: 'notification',
      id: 'legacy-scan-1',
      from: 'ops',
      data: 'old',
      ts: 1,
    });
    // The eight records of a broadcast queued by the code before this one, the last a continuation.
    for (let segment = 0; segment < 8; segment += 1) {
      const indexKey = { pk: 'CONN#x', sk: 'CONN', gsi1pk: 'USER#x', gsi1sk: 'CONN#x' };
      const continuation = segment === 7 ? { startKey: indexKey } : {};
      await rt.sqs.send(
        new SendMessageCommand({
          QueueUrl: rt.endpoints.queues.deliveries,
          MessageBody: JSON.stringify({ type: 'scan', frame, segment, totalSegments: 8, ...continuation }),
        }),
      );
    }
    for (const s of sockets) await s.waitFor((f) => f.type === 'notification', 8000);
    await sleep(300);
    for (const s of sockets)
      expect(s.ofType('notification')).toMatchObject([{ id: 'legacy-scan-1', data: 'old' }]);
    await Promise.all(sockets.map((s) => s.close()));
    // About 24 connections, on average, cover the two shards.
  }, 60_000);
});

/** The connections a user's live-presence item counts. */
async function connectionIdsOf(user: string): Promise<string[]> {
  const { Item } = await rt.db.send(
    new GetCommand({ TableName: rt.endpoints.tableName, Key: keys.livePresence(user), ConsistentRead: true }),
  );
  return [...((Item?.conns as Set<string> | undefined) ?? [])];
}
