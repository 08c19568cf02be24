import { Aws, Duration, Stack } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  MathExpression,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { MetricName } from '../../protocol/metrics.ts';
import type { FunctionName, QueueName } from '../manifest.ts';
import { appMetric, appMetricSearch } from './app-metrics.ts';
import { type FunctionGroup, functionGroups, functionGroupTitles } from './function-groups.ts';
import {
  lambdaSum,
  type ObservedResources,
  tableThrottledRequests,
  tableThrottleEvents,
  webSocketMetric,
} from './observed-resources.ts';

export interface OperationsDashboardProps extends ObservedResources {
  /**
   * The period of every graph (CloudWatch widens it on long time ranges).
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/**
 * One CloudWatch dashboard for the stage, named `{stackName}-operations`: the functions' own
 * metrics (connections, frames per second by action, errors by outcome, deliveries, fan-out,
 * latency percentiles), then Lambda errors, throttles and p99 duration per function group,
 * both APIs' 5xx and integration latency, queue ages, dead-letter depth and table throttles.
 * `url` opens it in the console (the stack output `DashboardUrl`).
 *
 * @example
 * new OperationsDashboard(this, 'Dashboard', resources);
 */
export class OperationsDashboard extends Construct {
  public readonly dashboard: Dashboard;
  /** The dashboard in the CloudWatch console of the stack's region. */
  public readonly url: string;
  private readonly period: Duration;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: OperationsDashboardProps,
  ) {
    super(scope, id);
    this.period = props.period ?? Duration.minutes(1);
    const dashboardName = `${Stack.of(this).stackName}-operations`;
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName });
    this.dashboard.addWidgets(...this.appWidgets());
    this.dashboard.addWidgets(...this.functionWidgets());
    this.dashboard.addWidgets(...this.resourceWidgets());
    this.url = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboardName}`;
  }

  /** The functions' own metrics (`protocol/metrics.ts`). */
  private appWidgets(): IWidget[] {
    const source = this.props.appMetrics;
    const seconds = this.period.toSeconds();
    const counter = (
      name: 'ConnectionsOpened' | 'ConnectionsClosed' | 'InternalErrors' | 'RateLimited',
      label: string,
    ) => appMetric(source, name, { statistic: 'Sum', period: this.period, label });
    // A SEARCH yields one series per dimension value; `${LABEL}` is CloudWatch's own label of
    // each (its dimension values), so a prefix only tells the statistics apart.
    const search = (
      name: MetricName,
      statistic: string,
      options: { extra?: string; perSecond?: boolean } = {},
    ) =>
      new MathExpression({
        expression:
          appMetricSearch(source, name, statistic, seconds, options.extra) +
          (options.perSecond ? ` / ${seconds}` : ''),
        usingMetrics: {},
        label: `${statistic === 'Sum' ? '' : `${statistic} `}\${LABEL}`,
        period: this.period,
      });
    const percentiles = (name: MetricName) => [search(name, 'p50'), search(name, 'p99')];
    return [
      graph('Connections opened and closed', [
        counter('ConnectionsOpened', 'Opened'),
        counter('ConnectionsClosed', 'Closed'),
      ]),
      graph('Frames per second by action and outcome', [search('Frames', 'Sum', { perSecond: true })]),
      graph('Errors by outcome', [
        search('Frames', 'Sum', { extra: 'NOT outcome="ok"' }),
        counter('InternalErrors', 'Internal errors'),
        counter('RateLimited', 'Rate limited'),
      ]),
      graph('HTTP requests by route and status', [search('HttpRequests', 'Sum')]),
      graph('Delivery outcomes', [search('Deliveries', 'Sum')]),
      graph('Notification outcomes', [search('Notifications', 'Sum')]),
      graph('Fan-out recipients by kind', percentiles('FanoutRecipients')),
      graph('Fan-out duration by kind (ms)', percentiles('FanoutDuration')),
      graph('Frame latency p50 and p99 by action (ms)', percentiles('FrameLatency')),
      graph('HTTP latency p50 and p99 by route (ms)', percentiles('HttpLatency')),
    ];
  }

  /** Lambda errors, throttles and p99 duration per function group. */
  private functionWidgets(): IWidget[] {
    const groups = Object.entries(functionGroups()) as [FunctionGroup, FunctionName[]][];
    const sums = (metricName: 'Errors' | 'Throttles') =>
      groups.map(([group, names]) =>
        lambdaSum(this.props, names, metricName, this.period, functionGroupTitles[group]),
      );
    const durations = groups.map(([group, names]) =>
      graph(
        `Lambda duration p99, ${functionGroupTitles[group]} (ms)`,
        // With `handlers: 'per-api'` one function serves many names: one line for it, labelled with them all.
        [...new Set(names.map((name) => this.props.functions[name]))].map((fn) =>
          fn.metricDuration({
            statistic: 'p99',
            period: this.period,
            label: names.filter((name) => this.props.functions[name] === fn).join(', '),
          }),
        ),
      ),
    );
    return [
      graph('Lambda errors per function group', sums('Errors')),
      graph('Lambda throttles per function group', sums('Throttles')),
      ...durations,
    ];
  }

  /** The APIs, the queues and the table. */
  private resourceWidgets(): IWidget[] {
    const { httpApi, queues, deadLetterQueues } = this.props;
    const period = this.period;
    const queueNames = Object.keys(queues) as QueueName[];
    return [
      graph('API Gateway 5xx and integration errors', [
        webSocketMetric(this.props, 'IntegrationError', 'Sum', period),
        webSocketMetric(this.props, 'ExecutionError', 'Sum', period),
        httpApi.metricServerError({ statistic: 'Sum', period, label: 'HTTP 5xx' }),
      ]),
      graph('API Gateway integration latency p99 (ms)', [
        webSocketMetric(this.props, 'IntegrationLatency', 'p99', period),
        httpApi.metricIntegrationLatency({ statistic: 'p99', period, label: 'HTTP IntegrationLatency' }),
      ]),
      graph(
        'SQS age of the oldest message (s)',
        queueNames.map((name) =>
          queues[name].metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period, label: name }),
        ),
      ),
      graph(
        'Dead-letter queue depth',
        Object.entries(deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            period,
            label: `${name} DLQ`,
          }),
        ),
      ),
      graph('DynamoDB throttled requests', [
        tableThrottledRequests(this.props, period),
        tableThrottleEvents(this.props, period),
      ]),
    ];
  }
}

const graph = (title: string, left: IMetric[]): GraphWidget =>
  new GraphWidget({ title, left, width: 8, height: 6 });
