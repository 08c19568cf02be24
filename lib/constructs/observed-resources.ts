import type { Duration } from 'aws-cdk-lib';
import type { IHttpApi, IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { type IMetric, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { type FunctionName, type QueueName, table as tableSpec } from '../manifest.ts';
import type { AppMetricsSource } from './app-metrics.ts';

/** What the dashboard and the alarms watch: the stack's resources and where its metrics land. */
export interface ObservedResources {
  /** Every function of the manifest, by manifest name. */
  readonly functions: Readonly<Record<FunctionName, IFunction>>;
  readonly webSocketApi: IWebSocketApi;
  /** The WebSocket stage: API Gateway reports WebSocket metrics by `ApiId` and `Stage`. */
  readonly webSocketStageName: string;
  readonly httpApi: IHttpApi;
  readonly table: ITable;
  /** The work queues, by manifest name. */
  readonly queues: Readonly<Record<QueueName, IQueue>>;
  /** The dead-letter queue behind each work queue, by manifest name. */
  /** Every dead-letter queue by a name for its alarm and graph: the work queues' and the schedule's. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** The namespace and dimensions of the functions' own metrics (`protocol/metrics.ts`). */
  readonly appMetrics: AppMetricsSource;
}

/**
 * The DynamoDB operations the functions call (lambdas/core/store): `ThrottledRequests` is
 * reported per operation, and a metric math alarm reads at most 10 metrics.
 */
export const TABLE_OPERATIONS = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
] as const;

/**
 * The sum of one metric over several series. Each is filled with 0 first: in metric math
 * `a + b` is missing whenever one series is, and an idle function reports nothing. Metric ids
 * are `m_{key}`, so sums drawn on one graph must use distinct keys.
 */
export function sumOf(metrics: Readonly<Record<string, IMetric>>, label: string, period: Duration): IMetric {
  const entries = Object.entries(metrics);
  if (entries.length === 1) return entries[0]![1];
  const usingMetrics: Record<string, IMetric> = {};
  for (const [key, metric] of entries) usingMetrics[`m_${key}`] = metric;
  const terms = Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`);
  return new MathExpression({ expression: `SUM([${terms.join(', ')}])`, usingMetrics, label, period });
}

/** A Lambda metric (`Errors`, `Throttles`) summed over functions. */
export function lambdaSum(
  resources: ObservedResources,
  names: readonly FunctionName[],
  metricName: 'Errors' | 'Throttles',
  period: Duration,
  label: string,
): IMetric {
  const metrics: Record<string, IMetric> = {};
  // With `handlers: 'per-api'` one function serves many names: it is counted once.
  const counted = new Set<unknown>();
  for (const name of names) {
    const fn = resources.functions[name];
    if (counted.has(fn)) continue;
    counted.add(fn);
    metrics[name] = fn.metric(metricName, { statistic: 'Sum', period, label: name });
  }
  return sumOf(metrics, label, period);
}

/** A metric of the WebSocket stage (`IntegrationError`, `ExecutionError`, `IntegrationLatency`). */
export function webSocketMetric(
  resources: ObservedResources,
  metricName: string,
  statistic: string,
  period: Duration,
): Metric {
  return new Metric({
    namespace: 'AWS/ApiGateway',
    metricName,
    dimensionsMap: { ApiId: resources.webSocketApi.apiId, Stage: resources.webSocketStageName },
    statistic,
    period,
    label: `WebSocket ${metricName}`,
  });
}

/** `ThrottledRequests` of the table over {@link TABLE_OPERATIONS}. */
export function tableThrottledRequests(resources: ObservedResources, period: Duration): IMetric {
  const metrics: Record<string, IMetric> = {};
  for (const operation of TABLE_OPERATIONS) {
    metrics[operation] = tableMetric(resources, 'ThrottledRequests', period, { Operation: operation });
  }
  return sumOf(metrics, 'Throttled requests', period);
}

/** `ReadThrottleEvents` and `WriteThrottleEvents` of the table and each of its indexes. */
export function tableThrottleEvents(resources: ObservedResources, period: Duration): IMetric {
  const metrics: Record<string, IMetric> = {};
  for (const kind of ['Read', 'Write']) {
    metrics[kind] = tableMetric(resources, `${kind}ThrottleEvents`, period);
    for (const index of Object.keys(tableSpec.indexes)) {
      metrics[`${kind}${index}`] = tableMetric(resources, `${kind}ThrottleEvents`, period, {
        GlobalSecondaryIndexName: index,
      });
    }
  }
  return sumOf(metrics, 'Read and write throttle events', period);
}

function tableMetric(
  resources: ObservedResources,
  metricName: string,
  period: Duration,
  dimensions: Record<string, string> = {},
): Metric {
  return new Metric({
    namespace: 'AWS/DynamoDB',
    metricName,
    dimensionsMap: { TableName: resources.table.tableName, ...dimensions },
    statistic: 'Sum',
    period,
  });
}
