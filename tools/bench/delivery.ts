import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getDeps } from '../../lambdas/core/clients.ts';
import { mapWithConcurrency } from '../../lambdas/core/delivery/concurrency.ts';
import { localDefaults } from '../../local/defaults.ts';
import { startLocalRuntime } from '../../local/runtime.ts';
import { type DeliveryRun, maxSockets, type RateFigures, rateFigures, timeCase } from './delivery-figures.ts';
import { benchFrame, deliveryPaths, recordsPerBatch } from './delivery-paths.ts';
import { type IpcChild, startIpcChild } from './ipc-child.ts';
import type { SocketsAnswer, SocketsAsk } from './sockets-child.ts';
import { listConnections } from './subscribers.ts';

export interface DeliveryOptions {
  /** Latencies injected into every management call, one set of cases each. @default [5, 20] */
  readonly latenciesMs?: readonly number[];
  /** Recipient sockets; every case posts once to each. @default 1000 */
  readonly connections?: number;
}

/** One way of posting N frames, at one injected latency; CPU is the handlers', the SDK's and the emulated gateway's. */
export interface DeliveryCase extends RateFigures {
  /** `deliver`: deliverToConnections on one shard; `worker`: the deliver handler with a batch of SQS records; `raw`: bare SDK posts. */
  readonly path: 'deliver' | 'worker' | 'raw';
  /** Frames the sockets got, as a check that every post arrived. */
  readonly received: number;
}

export type DeliveryFigures = DeliveryRun<DeliveryCase>;

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
    const paths = {
      ...deliveryPaths(deps, ids),
      raw: {
        inFlight: concurrency,
        run: () =>
          mapWithConcurrency(ids, concurrency, (id) =>
            deps.management.send(new PostToConnectionCommand({ ConnectionId: id, Data: benchFrame })),
          ),
      },
    };

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
    return { concurrency, maxSockets, recordsPerBatch, cases };
  } finally {
    sockets.close();
    db.destroy();
    await rt.stop();
  }
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
