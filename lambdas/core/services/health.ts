import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ComponentHealth, HealthReport } from '../../../protocol/http-responses.ts';
import { type ResourceVariable, requireResource } from '../config.ts';
import type { Deps } from '../deps.ts';

/** Reaches the table (a read of a key that never exists) and each queue, in parallel. */
export async function checkHealth(deps: Deps): Promise<HealthReport> {
  const { TABLE_NAME } = deps.config;
  // A queue URL the function was not given fails its probe (error `ConfigError`), not the check.
  const queue = (name: ResourceVariable) => () =>
    deps.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: requireResource(deps.config, name),
        AttributeNames: ['QueueArn'],
      }),
    );
  const [table, deliveries, notifications] = await Promise.all([
    probe(deps, () =>
      deps.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: 'HEALTH', sk: 'HEALTH' } })),
    ),
    probe(deps, queue('DELIVERIES_QUEUE_URL')),
    probe(deps, queue('NOTIFICATIONS_QUEUE_URL')),
  ]);
  return { ok: table.ok && deliveries.ok && notifications.ok, table, queues: { deliveries, notifications } };
}

async function probe(deps: Deps, call: () => Promise<unknown>): Promise<ComponentHealth> {
  const started = deps.now();
  try {
    await call();
    return { ok: true, latencyMs: deps.now() - started };
  } catch (error) {
    return { ok: false, latencyMs: deps.now() - started, error: (error as Error).name || 'Error' };
  }
}
