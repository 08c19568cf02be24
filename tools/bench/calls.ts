import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { websocketApi } from '../../lib/manifest.ts';
import { localDefaults } from '../../local/defaults.ts';
import { startDynamoDb } from '../../local/dynamodb/index.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.ts';
import type { PublishResult, SendResult } from '../../protocol/results.ts';
import { signToken } from '../sign-token.ts';
import { BenchSocket } from './bench-socket.ts';
import { type MeteredOperation, startDynamoDbMeter } from './dynamodb-meter.ts';
import { startIpcChild } from './ipc-child.ts';
import { observeSdkCalls } from './sdk-calls.ts';
import type { SocketsAnswer, SocketsAsk } from './sockets-child.ts';
import { listConnections, seedSubscriptions } from './subscribers.ts';

/** The AWS calls one operation causes, end to end (every function it sets off). */
export interface OperationCalls {
  readonly operation: string;
  /** Lambda invocations by function. */
  readonly lambda: Readonly<Record<string, number>>;
  readonly dynamodb: {
    readonly reads: number;
    readonly writes: number;
    /** Items read and written (batches and queries count each item). */
    readonly readItems: number;
    readonly writeItems: number;
    /** Request units: reads as the local DynamoDB computes them, writes plus the estimated index writes. */
    readonly readUnits: number;
    readonly writeUnits: number;
    readonly indexWriteUnits: number;
    readonly byOperation: Readonly<Record<string, MeteredOperation>>;
  };
  readonly sqs: {
    /** Requests the handlers' clients made (sends), by command. */
    readonly handlers: Readonly<Record<string, number>>;
    /** Sends by a backend service (the notification itself). */
    readonly producer: number;
    /** Batches the event source mapping handed to consumers: one receive and one delete each. */
    readonly consumerBatches: number;
    /** Requests SQS bills: handler and producer sends plus a receive and a delete per batch. */
    readonly billed: number;
  };
  /** PostToConnection calls the gateway answered. */
  readonly posts: number;
  /** WebSocket messages API Gateway bills: frames from the clients and frames to them. */
  readonly messages: { readonly fromClients: number; readonly toClients: number };
}

export interface CallsOptions {
  /** Subscribers of the large room, sockets in a child process. @default 1000 */
  readonly largeRoom?: number;
}

export interface CallsFigures {
  readonly roomSize: number;
  readonly largeRoom: number;
  readonly operations: readonly OperationCalls[];
}

const readOperations = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
const routeFunctions: Record<string, string> = websocketApi.routes;

/**
 * Counts the AWS calls of each operation of the product, run one at a time through the local
 * runtime with real sockets: DynamoDB at a metering proxy in front of the local DynamoDB (calls,
 * items, capacity units), SQS at the handlers' clients (`observeSdkCalls`) and the event
 * sources' invocations, posts at the emulated management API, Lambda invocations from the
 * runtime's request log, and WebSocket messages at the clients. Each operation is followed until
 * everything it set off has finished.
 */
export async function benchCalls(options: CallsOptions = {}): Promise<CallsFigures> {
  const dynamodb = await startDynamoDb({ port: 0 });
  const meter = await startDynamoDbMeter(dynamodb.endpoint);
  const lines: { at: number; line: string }[] = [];
  const rt = await startLocalRuntime({
    wsPort: 0,
    httpPort: 0,
    external: { dynamodb: meter.endpoint },
    // The inbox.unacked check is the event bus's extra, priced in its own section
    // (tools/cost/event-bus.ts): counted here too, a direct message would pay its send twice.
    functionEnv: { UNACKED_EVENT_SECONDS: '0' },
    log: (line) => lines.push({ at: Date.now(), line }),
  });
  const sqsCalls: Record<string, number> = {};
  observeSdkCalls((service, command) => {
    if (service === 'SQS')
      sqsCalls[command.replace(/Command$/, '')] = (sqsCalls[command.replace(/Command$/, '')] ?? 0) + 1;
  });
  const producer = new SQSClient({ endpoint: rt.endpoints.sqs, region: localDefaults.region });
  const sockets: BenchSocket[] = [];
  const open = async (user: string) => {
    const token = await signToken(user, { secret: localDefaults.jwtSecret });
    const socket = await BenchSocket.open(`${rt.endpoints.websocket}?token=${token}`);
    sockets.push(socket);
    return socket;
  };
  const roomSize = 10;
  const largeRoom = options.largeRoom ?? 1000;
  const crowd = startIpcChild<SocketsAsk, SocketsAnswer>('sockets-child.ts');
  const operations: OperationCalls[] = [];
  const crowdFrames = async () => {
    const answer = await crowd.ask({ type: 'count' });
    return answer.type === 'counted' ? answer.frames : 0;
  };

  /** Runs `action`, waits until it has set off nothing more for a while, and records its calls. */
  const measure = async (operation: string, action: () => Promise<unknown>, producerSends = 0) => {
    await settle(lines);
    meter.take();
    for (const key of Object.keys(sqsCalls)) delete sqsCalls[key];
    const firstLine = lines.length;
    const postsBefore = rt.gateway.stats().posts ?? 0;
    const framesBefore = countFrames(sockets, await crowdFrames());
    await action();
    await settle(lines);
    if (process.env.BENCH_VERBOSE)
      process.stdout.write(`  ${operation}: ${lines.length - firstLine} log lines\n`);
    const frames = countFrames(sockets, await crowdFrames());
    operations.push(
      summarize(operation, {
        metered: meter.take(),
        sqs: { ...sqsCalls },
        producerSends,
        lines: lines.slice(firstLine).map((l) => l.line),
        posts: (rt.gateway.stats().posts ?? 0) - postsBefore,
        fromClients: frames.sent - framesBefore.sent,
        toClients: frames.received - framesBefore.received,
      }),
    );
  };

  try {
    const members: BenchSocket[] = [];
    for (let i = 0; i < roomSize; i += 1) members.push(await open(`member-${i}`));
    const [first, second, third] = members as [BenchSocket, BenchSocket, BenchSocket];
    for (const member of members.slice(0, roomSize - 1))
      await member.request({ action: 'join', room: 'ten' });

    let guest: BenchSocket | undefined;
    await measure('connect', async () => {
      guest = await open('guest');
    });
    await measure('ping (heartbeat, first of the minute)', () => third.request({ action: 'ping' }));
    await measure('ping (heartbeat, within the minute)', () => third.request({ action: 'ping' }));
    let messageId = '';
    await measure('send a direct message', async () => {
      const reply = await first.request({ action: 'send', to: 'member-1', data: { text: 'hi' } });
      messageId = (reply.result as SendResult).messageId;
      await second.waitFor((f) => f.type === 'message' && f.id === messageId);
    });
    await measure('sync (one message waiting)', () => second.request({ action: 'sync' }));
    await measure('ack (one message)', () => second.request({ action: 'ack', ids: [messageId] }));
    await measure(`join (the ${roomSize}th subscriber)`, () =>
      (members[roomSize - 1] as BenchSocket).request({ action: 'join', room: 'ten' }),
    );
    let seq = 0;
    // A publish as most are: by a member who is not the owner (whose membership is read), into a
    // room with history (whose head is read strongly consistent; an empty one reads nothing).
    await first.request({ action: 'publish', room: 'ten', data: { text: 'first' } });
    await settle(lines);
    await measure(`publish to a room of ${roomSize}`, async () => {
      const reply = await second.request({ action: 'publish', room: 'ten', data: { text: 'hello room' } });
      const { seq: published, messageId: id } = reply.result as PublishResult;
      seq = published;
      await Promise.all(members.map((m) => m.waitFor((f) => f.type === 'message' && f.id === id)));
    });
    // A reply to that message: the publish's calls plus the parent's read, its thread pointer and count.
    await measure(`reply in a room of ${roomSize}`, async () => {
      const reply = await second.request({
        action: 'publish',
        room: 'ten',
        data: { text: 'hello thread' },
        replyTo: seq,
      });
      const { messageId: id } = reply.result as PublishResult;
      await Promise.all(members.map((m) => m.waitFor((f) => f.type === 'message' && f.id === id)));
    });
    // Lifecycle entries, delivered like a publish: an edit by the author, a first reaction.
    await measure(`edit a message in a room of ${roomSize}`, async () => {
      const reply = await second.request({ action: 'edit', room: 'ten', seq, data: { text: 'hello, room' } });
      const edited = (reply.result as { seq: number }).seq;
      await Promise.all(members.map((m) => m.waitFor((f) => f.type === 'message' && f.seq === edited)));
    });
    await measure(`react to a message in a room of ${roomSize}`, async () => {
      const reply = await third.request({ action: 'react', room: 'ten', seq, reaction: '👍' });
      const reacted = (reply.result as { seq: number }).seq;
      await Promise.all(members.map((m) => m.waitFor((f) => f.type === 'message' && f.seq === reacted)));
    });
    await measure('typing', () => first.request({ action: 'typing', room: 'ten', state: 'start' }));
    await measure('read receipt', () => second.request({ action: 'read', room: 'ten', upTo: seq }));
    await measure(
      'notify a user',
      async () => {
        await notify(producer, rt, { target: { users: ['member-2'] }, data: { n: 1 }, from: 'bench' });
        await third.waitFor((f) => f.type === 'notification' && (f.data as { n?: number }).n === 1);
      },
      1,
    );
    await measure(
      `notify a room of ${roomSize}`,
      async () => {
        await notify(producer, rt, { target: { room: 'ten' }, data: { n: 2 }, from: 'bench' });
        await third.waitFor((f) => f.type === 'notification' && (f.data as { n?: number }).n === 2);
      },
      1,
    );
    await measure('disconnect', () => guest?.close() ?? Promise.resolve());

    // The large cases: sockets held by a child process, subscriptions seeded as `join` writes them.
    await crowd.ask({
      type: 'open',
      url: rt.endpoints.websocket,
      secret: localDefaults.jwtSecret,
      prefix: 'crowd-',
      count: largeRoom,
      batch: 100,
    });
    const seeder = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamodb.endpoint,
        region: localDefaults.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const everyone = await listConnections(seeder, rt.endpoints.tableName);
    await first.request({ action: 'join', room: 'large' });
    await first.request({ action: 'leave', room: 'large' }); // stays a member, stops receiving
    const crowdConnections = everyone.filter((c) => c.userId.startsWith('crowd-'));
    await seedSubscriptions(seeder, rt.endpoints.tableName, 'large', crowdConnections);
    seeder.destroy();
    const postsReach = async (count: number) => {
      const deadline = Date.now() + 60_000;
      while ((rt.gateway.stats().posts ?? 0) < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await measure(`publish to a room of ${largeRoom.toLocaleString('en-US')}`, async () => {
      const before = rt.gateway.stats().posts ?? 0;
      await first.request({ action: 'publish', room: 'large', data: { text: 'hello crowd' } });
      await postsReach(before + crowdConnections.length);
    });
    await measure(
      `notify all (${everyone.length.toLocaleString('en-US')} connections)`,
      async () => {
        const before = rt.gateway.stats().posts ?? 0;
        await notify(producer, rt, { target: { all: true }, data: { n: 3 }, from: 'bench' });
        await postsReach(before + everyone.length);
      },
      1,
    );
    return { roomSize, largeRoom, operations };
  } finally {
    observeSdkCalls(undefined);
    crowd.close();
    for (const socket of sockets) await socket.close().catch(() => undefined);
    producer.destroy();
    await rt.stop();
    await meter.close();
    await dynamodb.close();
  }
}

async function notify(producer: SQSClient, rt: LocalRuntime, body: unknown): Promise<void> {
  await producer.send(
    new SendMessageCommand({
      QueueUrl: rt.endpoints.queues.notifications,
      MessageBody: JSON.stringify(body),
    }),
  );
}

/** Waits until the runtime has logged nothing for 400 ms (at most 10 s). */
async function settle(lines: readonly { at: number }[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  await new Promise((resolve) => setTimeout(resolve, 100));
  while (Date.now() < deadline && Date.now() - (lines.at(-1)?.at ?? 0) < 400) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Frames the clients sent and received: the sockets here, and `elsewhere` received by the child's. */
function countFrames(sockets: readonly BenchSocket[], elsewhere: number): { sent: number; received: number } {
  return sockets.reduce((n, s) => ({ sent: n.sent + s.sent, received: n.received + s.frames.length }), {
    sent: 0,
    received: elsewhere,
  });
}

interface Observed {
  readonly metered: Record<string, MeteredOperation>;
  readonly sqs: Record<string, number>;
  readonly producerSends: number;
  readonly lines: readonly string[];
  readonly posts: number;
  readonly fromClients: number;
  readonly toClients: number;
}

/** Turns what was observed during one operation into its call counts. */
export function summarize(operation: string, observed: Observed): OperationCalls {
  const lambda = invocationsOf(observed.lines);
  const dynamodb = {
    reads: 0,
    writes: 0,
    readItems: 0,
    writeItems: 0,
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
  };
  for (const [name, m] of Object.entries(observed.metered)) {
    if (readOperations.has(name)) {
      dynamodb.reads += m.calls;
      dynamodb.readItems += m.items;
      dynamodb.readUnits += m.capacity;
    } else {
      dynamodb.writes += m.calls;
      dynamodb.writeItems += m.items;
      dynamodb.writeUnits += m.capacity + m.indexCapacity;
      dynamodb.indexWriteUnits += m.indexCapacity;
    }
  }
  const consumerBatches = (lambda.deliver ?? 0) + (lambda.notify ?? 0);
  const handlerSqs = Object.values(observed.sqs).reduce((a, b) => a + b, 0);
  return {
    operation,
    lambda,
    dynamodb: { ...dynamodb, byOperation: observed.metered },
    sqs: {
      handlers: observed.sqs,
      producer: observed.producerSends,
      consumerBatches,
      billed: handlerSqs + observed.producerSends + 2 * consumerBatches,
    },
    posts: observed.posts,
    messages: { fromClients: observed.fromClients, toClients: observed.toClients },
  };
}

/**
 * Lambda invocations from the runtime's log: a `CONNECT … 101` line is the authorizer and
 * `$connect`; `MESSAGE … {route} …` the route's function; `DISCONNECT … {ms}ms` the `$disconnect`
 * function; `λ {name} …` a queue consumer (schedules are left out: they run on their own clock).
 */
export function invocationsOf(lines: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  for (const line of lines) {
    const words = line.split(' ');
    if (words[0] === 'CONNECT' && words[2] === '101') {
      add(websocketApi.authorizer.function);
      add(routeFunctions.$connect ?? 'connect');
    } else if (words[0] === 'MESSAGE' && words[2] && routeFunctions[words[2]])
      add(routeFunctions[words[2]] as string);
    else if (words[0] === 'DISCONNECT' && /^\d+ms$/.test(words.at(-1) ?? ''))
      add(routeFunctions.$disconnect ?? 'disconnect');
    else if (words[0] === 'λ' && words[1] && words[1] !== 'sweep') add(words[1]);
  }
  return counts;
}
