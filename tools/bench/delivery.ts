import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getDeps } from '../../lambdas/core/clients.ts';
import { mapWithConcurrency } from '../../lambdas/core/delivery/concurrency.ts';
import { deliverToConnections } from '../../lambdas/core/delivery/deliver.ts';
import { handler as deliverWorker } from '../../lambdas/queue/deliver.ts';
import { localDefaults } from '../../local/defaults.ts';
import { startLocalRuntime } from '../../local/runtime.ts';
import { type IpcChild, startIpcChild } from './ipc-child.ts';
import type { SocketsAnswer, SocketsAsk } from './sockets-child.ts';
import { sqsEvent } from './sqs-event.ts';
import { listConnections } from './subscribers.ts';

export interface DeliveryOptions {
  /** Latencies injected into every management call, one set of cases each. @default [5, 20] */
  readonly latenciesMs?: readonly number[];
  /** Recipient sockets; every case posts once to each. @default 1000 */
  readonly connections?: number;
}

/** One way of posting N frames, at one injected latency. */
export interface DeliveryCase {
  /** `deliver`: deliverToConnections on one shard; `worker`: the deliver handler with a batch of SQS records; `raw`: bare SDK posts. */
  readonly path: 'deliver' | 'worker' | 'raw';
  readonly latencyMs: number;
  readonly posts: number;
  readonly ms: number;
  readonly perSecond: number;
  /** Posts in flight the code asks for; the ceiling is min(inFlight, maxSockets) / latency (0 without latency). */
  readonly inFlight: number;
  readonly ceilingPerSecond: number;
  readonly ratio: number;
  /** CPU of this process (handlers, SDK, emulated gateway) per post. */
  readonly cpuMsPerPost: number;
  /** Frames the sockets got, as a check that every post arrived. */
  readonly received: number;
}

export interface DeliveryFigures {
  readonly concurrency: number;
  /** Sockets the management client's keep-alive agent may open (lambdas/core/clients.ts). */
  readonly maxSockets: number;
  readonly recordsPerBatch: number;
  readonly cases: readonly DeliveryCase[];
}

const now = () => performance.now();
/** The keep-alive agent's socket limit of the handlers' clients (lambdas/core/clients.ts). */
const maxSockets = 64;

/**
 * Delivery throughput against a management API with injected latency: the real delivery code
 * (`deliverToConnections` on one shard, and the deliver worker handler with a batch of ten SQS
 * records) posting to connections that exist, against the ceiling `in flight / latency`, and
 * bare SDK posts with the same concurrency as a baseline. Run with latency 0 too, which shows
 * what the CPU allows.
 */
export async function benchDelivery(options: DeliveryOptions = {}): Promise<DeliveryFigures> {
  const latencies = options.latenciesMs ?? [5, 20];
  const count = options.connections ?? 1000;
  const rt = await startLocalRuntime({ wsPort: 0, httpPort: 0 });
  const sockets = startIpcChild<SocketsAsk, SocketsAnswer>('sockets-child.ts');
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: rt.endpoints.dynamodb,
      region: localDefaults.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  try {
    await sockets.ask({
      type: 'open',
      url: rt.endpoints.websocket,
      secret: localDefaults.jwtSecret,
      prefix: 'delivery-',
      count,
      batch: 100,
    });
    const ids = (await listConnections(db, rt.endpoints.tableName))
      .filter((c) => c.userId.startsWith('delivery-'))
      .map((c) => c.connectionId);
    const deps = getDeps();
    const concurrency = deps.config.DELIVERY_CONCURRENCY;
    const frame = JSON.stringify({ type: 'notification', id: 'bench', from: 'bench', data: {}, ts: 0 });
    const shard = deps.config.DELIVERY_SHARD_SIZE;
    const batch = 10;
    const paths = {
      deliver: {
        inFlight: concurrency,
        run: () => deliverToConnections(deps, frame, ids, { inlineOnly: true }),
      },
      worker: {
        inFlight: concurrency * batch,
        run: async () => {
          for (let i = 0; i < ids.length; i += shard * batch) {
            await deliverWorker(sqsEvent(frame, ids.slice(i, i + shard * batch), shard), {});
          }
        },
      },
      raw: {
        inFlight: concurrency,
        run: () =>
          mapWithConcurrency(ids, concurrency, (id) =>
            deps.management.send(new PostToConnectionCommand({ ConnectionId: id, Data: frame })),
          ),
      },
    } as const;

    await timeCase(paths.deliver.run); // warm-up: fills the keep-alive pool
    const cases: DeliveryCase[] = [];
    for (const latencyMs of [0, ...latencies]) {
      rt.gateway.setFaults({ latencyMs });
      for (const [name, spec] of Object.entries(paths) as [keyof typeof paths, (typeof paths)['deliver']][]) {
        const before = await countFrames(sockets, 0);
        const { ms, cpuMs } = await timeCase(spec.run);
        const received = (await countFrames(sockets, before + ids.length)) - before;
        // The keep-alive agent queues what is past its socket limit, so that caps what is in flight.
        const figures = rateFigures({ latencyMs, posts: ids.length, ms, cpuMs, inFlight: spec.inFlight });
        cases.push({ ...figures, path: name, received });
      }
    }
    return { concurrency, maxSockets, recordsPerBatch: batch, cases };
  } finally {
    sockets.close();
    db.destroy();
    await rt.stop();
  }
}

/** Rate, ceiling and CPU of one case; the ceiling counts at most `maxSockets` in flight. */
export function rateFigures(c: {
  latencyMs: number;
  posts: number;
  ms: number;
  cpuMs: number;
  inFlight: number;
}): Omit<DeliveryCase, 'path' | 'received'> {
  const perSecond = c.posts / (c.ms / 1000);
  const ceilingPerSecond = c.latencyMs > 0 ? Math.min(c.inFlight, maxSockets) / (c.latencyMs / 1000) : 0;
  return {
    latencyMs: c.latencyMs,
    posts: c.posts,
    ms: c.ms,
    perSecond,
    inFlight: c.inFlight,
    ceilingPerSecond,
    ratio: c.latencyMs > 0 ? perSecond / ceilingPerSecond : 0,
    cpuMsPerPost: c.cpuMs / c.posts,
  };
}

/** Wall and CPU time of `run`. */
export async function timeCase(run: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = now();
  await run();
  const ms = now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/** Frames the sockets received so far, waiting up to 3 s for `expected` of them. */
async function countFrames(sockets: IpcChild<SocketsAsk, SocketsAnswer>, expected: number): Promise<number> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const answer = await sockets.ask({ type: 'count' });
    const frames = answer.type === 'counted' ? answer.frames : Number.NaN;
    if (!(frames < expected) || Date.now() > deadline) return frames;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
