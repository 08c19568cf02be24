import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { performance as nodePerformance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import WebSocket from 'ws';
import { createDeps, getDeps } from '../../lambdas/core/clients.ts';
import { mapWithConcurrency } from '../../lambdas/core/delivery/concurrency.ts';
import { parseNotification, publishNotification } from '../../lambdas/core/services/notifications.ts';
import { localDefaults } from '../../local/defaults.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.ts';
import type { PublishResult } from '../../protocol/results.ts';
import type { MessageFrame } from '../../protocol/server-frames.ts';
import { firstMessage, forkTypeScript } from '../shared/child-process.ts';
import { nowMs as now } from '../shared/clock.ts';
import { signToken } from '../sign-token.ts';
import type { ChildMessage, ParentMessage } from './fanout-clients.ts';
import { observeSdkCalls } from './sdk-calls.ts';
import { listConnections, type SeededConnection, seedSubscriptions } from './subscribers.ts';

export interface FanoutOptions {
  /** Subscriber counts, one case each; the child opens as many sockets as the largest. */
  readonly sizes: readonly number[];
  /** Concurrent posts of the baseline: the delivery poster's socket pool. @default 64 */
  readonly baselineConcurrency?: number;
  /** Also a `{ "all": true }` notification to every socket (parallel-scan path). @default true */
  readonly broadcast?: boolean;
}

export interface FanoutFigures {
  /** `room`: one publish to a room's subscribers; `all`: a `{ "all": true }` notification. */
  readonly case: 'room' | 'all';
  /** Recipients (room subscribers, or every connection for `all`). */
  readonly subscribers: number;
  /** Publish frame sent to the last subscriber's receipt. */
  readonly ms: number;
  /**
   * CPU time the runtime process (gateway, handlers, SQS endpoint, dynalite) used meanwhile:
   * less noisy than `ms` on a shared machine, and what a leaner path saves.
   */
  readonly runtimeCpuMs: number;
  /** Share of the time the runtime's event loop was busy rather than waiting for I/O (0 to 1). */
  readonly loopUtilization: number;
  readonly deliveriesPerSecond: number;
  /** Sockets that got the message, and frames received (more frames than sockets: duplicates). */
  readonly delivered: number;
  readonly duplicates: number;
  /** PostToConnection calls the gateway answered, per recipient. */
  readonly postsPerRecipient: number;
  /** Calls the handlers' SDK clients made for this one publish. */
  readonly dynamodb: { readonly reads: number; readonly writes: number };
  readonly sqs: { readonly handlers: number; readonly endpoint: number };
  /** Every call the handlers' clients made, by service and command. */
  readonly calls: Readonly<Record<string, number>>;
  /** Read calls as a share of recipients (target < 2%). */
  readonly readsPerRecipientPct: number;
  readonly perThousandDeliveries: { readonly dynamodb: number; readonly sqs: number };
  /** The same number of raw PostToConnection calls, same sockets, no handler in between. */
  readonly baseline: { readonly ms: number; readonly perSecond: number; readonly concurrency: number };
  /** Fan-out rate over baseline rate. */
  readonly ratio: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const readCommands = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

/**
 * Fan-out through the local runtime: one `publish` to a room of N subscribers, timed from the
 * publish frame to the last subscriber's receipt. Subscribers are real sockets held by a child
 * process; their subscriptions are seeded (the items `join` writes). Calls are counted at the
 * handlers' SDK clients (`observeSdkCalls`), posts at the gateway, SQS requests at the endpoint.
 */
export async function benchFanout(options: FanoutOptions): Promise<FanoutFigures[]> {
  const concurrency = options.baselineConcurrency ?? 64;
  const largest = Math.max(...options.sizes);
  const rt = await startLocalRuntime({
    wsPort: 0,
    httpPort: 0,
    // Presence events per join are a fan-out of their own; this measures the publish alone.
    functionEnv: { ROOM_EVENTS_MAX_MEMBERS: '1' },
  });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: rt.endpoints.dynamodb,
      region: localDefaults.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const clients = startClients();
  const publisher = await Publisher.open(rt);
  try {
    const opened = await clients.ask({
      type: 'open',
      url: rt.endpoints.websocket,
      secret: localDefaults.jwtSecret,
      count: largest,
      // Handshakes in flight: more makes the runtime's event loop late enough on a busy machine to
      // time out its own 1 s DynamoDB connects (a 502 on $connect).
      batch: 100,
    });
    process.stdout.write(`  ${opened.type === 'opened' ? opened.count : 0} sockets open\n`);
    const connections = (await listConnections(db, rt.endpoints.tableName)).filter((c) =>
      c.userId.startsWith('bench-'),
    );
    const setUp = async (room: string, size: number) => {
      await publisher.request({ action: 'join', room });
      await publisher.request({ action: 'leave', room }); // stays a member, stops receiving
      await seedSubscriptions(db, rt.endpoints.tableName, room, connections.slice(0, size));
    };
    // Warm-up: loads the publish and deliver functions and fills the connection pools.
    await setUp('warmup', 200);
    await measure(rt, clients, 200, publish(publisher, 'warmup'));

    const figures: FanoutFigures[] = [];
    for (const size of options.sizes) {
      await setUp(`fanout-${size}`, size);
      const baseline = await rawPosts(clients, connections.slice(0, size), concurrency);
      const run = await measure(rt, clients, size, publish(publisher, `fanout-${size}`));
      report(run);
      figures.push({ ...run, baseline, ratio: run.deliveriesPerSecond / baseline.perSecond });
    }
    if (options.broadcast ?? true) {
      // Every connection is a child's socket once the publisher is gone.
      publisher.close();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const baseline = figures.find((f) => f.subscribers === largest)?.baseline;
      const run = { ...(await measure(rt, clients, largest, broadcast)), case: 'all' as const };
      report(run);
      if (baseline) figures.push({ ...run, baseline, ratio: run.deliveriesPerSecond / baseline.perSecond });
    }
    return figures;
  } finally {
    publisher.close();
    clients.close();
    db.destroy();
    await rt.stop();
  }
}

type Run = Omit<FanoutFigures, 'baseline' | 'ratio'>;

/** One line per case as it finishes; the CPU figure is the runtime process's own. */
const report = (run: Run) =>
  process.stdout.write(
    `  ${run.case} ${run.subscribers}: ${Math.round(run.ms)} ms, runtime CPU ${Math.round(run.runtimeCpuMs)} ms (${(run.runtimeCpuMs / run.delivered).toFixed(3)} ms per delivery), event loop busy ${Math.round(run.loopUtilization * 100)}%\n`,
  );

/** One `publish` from the publisher's socket. */
const publish = (publisher: Publisher, room: string) => async () => {
  const reply = await publisher.request({ action: 'publish', room, data: { room } });
  if (reply.type !== 'reply') throw new Error(`publish failed: ${JSON.stringify(reply)}`);
  return (reply.result as PublishResult).messageId;
};

/** A `{ "all": true }` notification, through the service the notifications consumer calls. */
const broadcast = async () => {
  const deps = getDeps();
  const request = parseNotification(deps, { target: { all: true }, data: { all: true }, from: 'bench' });
  return (await publishNotification(deps, request)).messageId;
};

/**
 * Counts calls while `trigger` starts a fan-out (resolving with the message id the clients will
 * see) until `size` sockets have it; the clock starts before `trigger`.
 */
async function measure(
  rt: LocalRuntime,
  clients: Clients,
  size: number,
  trigger: () => Promise<string>,
): Promise<Run> {
  const calls = { reads: 0, writes: 0, sqs: 0 };
  const byCommand: Record<string, number> = {};
  observeSdkCalls((service, command) => {
    const name = `${service}.${command.replace(/Command$/, '')}`;
    byCommand[name] = (byCommand[name] ?? 0) + 1;
    if (service === 'DynamoDB') calls[readCommands.has(command) ? 'reads' : 'writes'] += 1;
    else if (service === 'SQS') calls.sqs += 1;
  });
  const before = { sqs: total(rt.sqsStats()), posts: rt.gateway.stats().posts ?? 0 };
  const profiler = await startProfile();
  const cpuBefore = process.cpuUsage();
  const loopBefore = nodePerformance.eventLoopUtilization();
  const startedAt = now();
  // The message id is the server's, known once the trigger returns; the clients keep every id.
  const messageId = await trigger();
  const got = await clients.ask({ type: 'expect', id: messageId, count: size, timeoutMs: 60_000 });
  observeSdkCalls(undefined);
  const cpu = process.cpuUsage(cpuBefore);
  const loop = nodePerformance.eventLoopUtilization(loopBefore);
  await profiler?.stop(`${size}`);
  if (got.type !== 'received') throw new Error('clients did not report');
  const ms = got.lastAt - startedAt;
  const posts = (rt.gateway.stats().posts ?? 0) - before.posts;
  const sqsEndpoint = total(rt.sqsStats()) - before.sqs;
  return {
    case: 'room',
    subscribers: size,
    ms,
    runtimeCpuMs: (cpu.user + cpu.system) / 1000,
    loopUtilization: loop.utilization,
    deliveriesPerSecond: got.sockets / (ms / 1000),
    delivered: got.sockets,
    duplicates: got.frames - got.sockets,
    postsPerRecipient: posts / size,
    dynamodb: { reads: calls.reads, writes: calls.writes },
    sqs: { handlers: calls.sqs, endpoint: sqsEndpoint },
    calls: byCommand,
    readsPerRecipientPct: (calls.reads / size) * 100,
    perThousandDeliveries: {
      dynamodb: ((calls.reads + calls.writes) / got.sockets) * 1000,
      sqs: (sqsEndpoint / got.sockets) * 1000,
    },
  };
}

/** The baseline: raw PostToConnection calls to the same sockets, through a poster built as the handlers' is. */
async function rawPosts(
  clients: Clients,
  connections: readonly SeededConnection[],
  concurrency: number,
): Promise<FanoutFigures['baseline']> {
  const { posts } = createDeps();
  const id = `baseline-${connections.length}-${Date.now()}`;
  const frame = JSON.stringify({
    type: 'message',
    id,
    from: 'bench',
    room: 'baseline',
    data: {},
    ts: 0,
  } satisfies MessageFrame);
  let startedAt = 0;
  const got = await clients.ask({ type: 'expect', id, count: connections.length, timeoutMs: 60_000 }, () => {
    startedAt = now();
    void mapWithConcurrency(connections, concurrency, (c) => posts.post(c.connectionId, frame));
  });
  if (got.type !== 'received') throw new Error('clients did not report');
  const ms = got.lastAt - startedAt;
  return { ms, perSecond: got.sockets / (ms / 1000), concurrency };
}

/** {@link benchFanout} in a child process (see fanout-process.ts); resolves with its figures. */
export function benchFanoutInChild(options: FanoutOptions): Promise<FanoutFigures[]> {
  const child = forkTypeScript(path.join(here, 'fanout-process.ts'), [JSON.stringify(options)]);
  return firstMessage<FanoutFigures[]>(child, 'fan-out benchmark');
}

/**
 * With BENCH_CPU_PROFILE set to a folder, profiles the runtime process during each measured
 * fan-out and writes `fanout-{size}-{time}.cpuprofile` there (open in Chrome DevTools).
 */
async function startProfile(): Promise<{ stop(label: string): Promise<void> } | undefined> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async (label) => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, `fanout-${label}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

const total = (stats: Record<string, number>) => Object.values(stats).reduce((a, b) => a + b, 0);

interface Clients {
  /** Sends a message; resolves with the child's next answer past `armed` (calling `onArmed` then). */
  ask(message: ParentMessage, onArmed?: () => void): Promise<ChildMessage>;
  close(): void;
}

function startClients(): Clients {
  const child = forkTypeScript(path.join(here, 'fanout-clients.ts'));
  return {
    ask: (message, onArmed) =>
      new Promise((resolve, reject) => {
        const onMessage = (answer: ChildMessage) => {
          if (answer.type === 'armed') return onArmed?.();
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(answer);
        };
        const onExit = (code: number | null) => reject(new Error(`fan-out clients exited with ${code}`));
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(message);
      }),
    close: () => {
      if (child.connected) child.send({ type: 'close' } satisfies ParentMessage);
    },
  };
}

/** The publishing connection, in this process: one socket, requests matched by `ref`. */
class Publisher {
  private counter = 0;
  private readonly waiting = new Map<string, (frame: Record<string, unknown>) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      const done = this.waiting.get(frame.ref as string);
      this.waiting.delete(frame.ref as string);
      done?.(frame);
    });
  }

  static async open(rt: LocalRuntime): Promise<Publisher> {
    const token = await signToken('publisher', { secret: localDefaults.jwtSecret });
    const ws = new WebSocket(`${rt.endpoints.websocket}?token=${token}`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new Publisher(ws);
  }

  request(frame: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.counter += 1;
    const ref = `b${this.counter}`;
    const reply = new Promise<Record<string, unknown>>((resolve) => this.waiting.set(ref, resolve));
    this.ws.send(JSON.stringify({ ...frame, ref }));
    return reply;
  }

  close(): void {
    this.ws.terminate();
  }
}
