import { type DeliveryRun, maxSockets, type RateFigures, rateFigures, timeCase } from './delivery-figures.ts';
import { startIpcChild } from './ipc-child.ts';
import type { StubAnswer, StubAsk } from './management-stub.ts';

export interface DeliveryAloneOptions {
  /** Latencies the management stub adds to every post, one set of cases each. @default [5, 20, 100] */
  readonly latenciesMs?: readonly number[];
  /** Posts per case. @default 5000 */
  readonly posts?: number;
}

/**
 * One way of posting, at one latency, with this process holding only the delivery code: CPU is
 * the delivery code's and its HTTP client's alone.
 */
export interface DeliveryAloneCase extends RateFigures {
  readonly path: 'deliver' | 'worker';
  /** Most posts the stub held at once during the case. */
  readonly maxInFlightSeen: number;
  /** Posts the stub answered during the case. */
  readonly answered: number;
}

export type DeliveryAloneFigures = DeliveryRun<DeliveryAloneCase>;

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
    // Before the handlers' modules are loaded (nothing of theirs is imported statically here):
    // the stub is their management API.
    Object.assign(process.env, {
      MANAGEMENT_ENDPOINT: started.endpoint,
      // Required by the config; the delivery paths measured here never reach the table.
      TABLE_NAME: 'wavelet-bench-delivery-alone',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    const { getDeps } = await import('../../lambdas/core/clients.ts');
    const { deliveryPaths, recordsPerBatch } = await import('./delivery-paths.ts');
    const deps = getDeps();
    const concurrency = deps.config.DELIVERY_CONCURRENCY;
    const ids = Array.from({ length: count }, (_, i) => `bench${String(i).padStart(8, '0')}=`);
    const paths = deliveryPaths(deps, ids);

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
    return { concurrency, maxSockets, recordsPerBatch, cases };
  } finally {
    stub.close();
  }
}
