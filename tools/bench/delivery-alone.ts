import { type DeliveryCase, rateFigures, timeCase } from './delivery.ts';
import { startIpcChild } from './ipc-child.ts';
import type { StubAnswer, StubAsk } from './management-stub.ts';

export interface DeliveryAloneOptions {
  /** Latencies the management stub adds to every post, one set of cases each. @default [5, 20, 100] */
  readonly latenciesMs?: readonly number[];
  /** Posts per case. @default 5000 */
  readonly posts?: number;
}

/**
 * One way of posting, at one latency, with this process holding only the delivery code: the
 * fields of the end-to-end cases (delivery.ts), where `inFlight` is min(asked, socket pool) and
 * CPU is the delivery code's and its HTTP client's alone.
 */
export interface DeliveryAloneCase extends Omit<DeliveryCase, 'path' | 'received'> {
  readonly path: 'deliver' | 'worker';
  /** Most posts the stub held at once during the case. */
  readonly maxInFlightSeen: number;
  /** Posts the stub answered during the case. */
  readonly answered: number;
}

export interface DeliveryAloneFigures {
  readonly concurrency: number;
  readonly maxSockets: number;
  readonly recordsPerBatch: number;
  readonly cases: readonly DeliveryAloneCase[];
}

/** The keep-alive agent's socket limit of the poster (lambdas/core/delivery/poster.ts). */
const maxSockets = 64;

/**
 * The delivery worker's throughput as a container would have it: this process holds nothing but
 * the delivery code (`deliverToConnections` on one shard, and the deliver handler with a batch
 * of ten SQS records), and the management API is a stub in another process that answers every
 * post after the injected latency. Against the ceiling `in flight / latency`, where in flight is
 * `DELIVERY_CONCURRENCY` (32) for one shard and the socket pool (64) for a batch.
 */
export async function benchDeliveryAlone(options: DeliveryAloneOptions = {}): Promise<DeliveryAloneFigures> {
  const latencies = options.latenciesMs ?? [5, 20, 100];
  const count = options.posts ?? 5000;
  const stub = startIpcChild<StubAsk, StubAnswer>('management-stub.ts');
  try {
    const started = await stub.ask({ type: 'start' });
    if (started.type !== 'started') throw new Error('the management stub did not start');
    // Before the handlers' modules build their clients: the stub is their management API.
    Object.assign(process.env, {
      MANAGEMENT_ENDPOINT: started.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    const { getDeps } = await import('../../lambdas/core/clients.ts');
    const { deliverToConnections } = await import('../../lambdas/core/delivery/deliver.ts');
    const { handler: deliverWorker } = await import('../../lambdas/queue/deliver.ts');
    const { sqsEvent } = await import('./sqs-event.ts');
    const deps = getDeps();
    const concurrency = deps.config.DELIVERY_CONCURRENCY;
    const shard = deps.config.DELIVERY_SHARD_SIZE;
    const batch = 10;
    const frame = JSON.stringify({ type: 'notification', id: 'bench', from: 'bench', data: {}, ts: 0 });
    const ids = Array.from({ length: count }, (_, i) => `bench${String(i).padStart(8, '0')}=`);
    const paths = {
      deliver: {
        inFlight: Math.min(concurrency, maxSockets),
        run: () => deliverToConnections(deps, frame, ids, { inlineOnly: true }),
      },
      worker: {
        inFlight: Math.min(concurrency * batch, maxSockets),
        run: async () => {
          for (let i = 0; i < ids.length; i += shard * batch) {
            await deliverWorker(sqsEvent(frame, ids.slice(i, i + shard * batch), shard), {});
          }
        },
      },
    } as const;

    const answered = async () => {
      const answer = await stub.ask({ type: 'count' });
      return answer.type === 'counted' ? answer : { posts: Number.NaN, maxInFlight: Number.NaN };
    };
    await paths.deliver.run(); // warm-up: compiles the path and fills the keep-alive pool
    const cases: DeliveryAloneCase[] = [];
    for (const latencyMs of latencies) {
      await stub.ask({ type: 'latency', ms: latencyMs });
      for (const [name, spec] of Object.entries(paths) as [keyof typeof paths, (typeof paths)['deliver']][]) {
        const before = (await answered()).posts;
        const { ms, cpuMs } = await timeCase(spec.run);
        const after = await answered();
        cases.push({
          ...rateFigures({ latencyMs, posts: ids.length, ms, cpuMs, inFlight: spec.inFlight }),
          path: name,
          maxInFlightSeen: after.maxInFlight,
          answered: after.posts - before,
        });
      }
    }
    return { concurrency, maxSockets, recordsPerBatch: batch, cases };
  } finally {
    stub.close();
  }
}
