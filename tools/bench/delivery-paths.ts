import { deliverToConnections } from '../../lambdas/core/delivery/deliver.ts';
import type { Deps } from '../../lambdas/core/deps.ts';
import { handler as deliverWorker } from '../../lambdas/queue/deliver.ts';
import type { NotificationFrame } from '../../protocol/server-frames.ts';
import { sqsEvent } from './sqs-event.ts';

/** SQS records handed to the deliver worker at once, as the event source mapping's batch. */
export const recordsPerBatch = 10;

/** The frame every delivery case posts. */
export const benchFrame = JSON.stringify({
  type: 'notification',
  id: 'bench',
  from: 'bench',
  data: {},
  ts: 0,
} satisfies NotificationFrame);

/** One way of posting the frame to every connection, and the posts in flight it asks for. */
export interface DeliveryPath {
  readonly inFlight: number;
  run(): Promise<unknown>;
}

/**
 * The two ways the delivery code posts: `deliver`, deliverToConnections on one shard (what the
 * worker does with one record: DELIVERY_CONCURRENCY in flight), and `worker`, the deliver
 * handler given batches of ten records of DELIVERY_SHARD_SIZE connections, run in parallel.
 */
export function deliveryPaths(
  deps: Deps,
  ids: readonly string[],
): Record<'deliver' | 'worker', DeliveryPath> {
  const concurrency = deps.config.DELIVERY_CONCURRENCY;
  const shard = deps.config.DELIVERY_SHARD_SIZE;
  const perBatch = shard * recordsPerBatch;
  return {
    deliver: {
      inFlight: concurrency,
      run: () => deliverToConnections(deps, benchFrame, ids, { inlineOnly: true }),
    },
    worker: {
      inFlight: concurrency * recordsPerBatch,
      run: async () => {
        for (let i = 0; i < ids.length; i += perBatch) {
          await deliverWorker(sqsEvent(benchFrame, ids.slice(i, i + perBatch), shard), {});
        }
      },
    },
  };
}
