import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type FunctionName, functions as functionSpecs, type QueueName } from '../manifest.ts';
import {
  type AlarmKind,
  type AlarmTuning,
  checkTuning,
  defaultAlarmTuning,
  runbookAnchors,
} from './alarm-tuning.ts';
import { appMetric } from './app-metrics.ts';
import { chunksOf, type FunctionGroup, functionGroups, functionGroupTitles } from './function-groups.ts';
import {
  lambdaSum,
  type ObservedResources,
  sumOf,
  tableThrottledRequests,
  tableThrottleEvents,
  webSocketMetric,
} from './observed-resources.ts';

/** The tunable part of {@link OperationsAlarmsProps}: one {@link AlarmTuning} per kind. */
export type OperationsAlarmsTuning = Pick<OperationsAlarmsProps, AlarmKind>;

export interface OperationsAlarmsProps extends ObservedResources {
  /** Notified when any alarm fires and when it is OK again. */
  readonly topic: ITopic;
  /**
   * Lambda `Errors` summed over a function group (a throw, a timeout, out of memory: handlers
   * answer expected errors themselves, so any is a bug or an outage).
   * @default { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1 }
   */
  readonly functionErrors?: AlarmTuning;
  /**
   * Lambda `Throttles` summed over a function group (concurrency exhausted).
   * @default { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1 }
   */
  readonly functionThrottles?: AlarmTuning;
  /**
   * p99 `Duration` of each queue consumer and of the sweeper; `threshold` is a fraction of the
   * function's timeout (0.8: 48 s of 60 s).
   * @default { threshold: 0.8, period: Duration.minutes(5), evaluationPeriods: 3 }
   */
  readonly functionDuration?: AlarmTuning;
  /**
   * WebSocket `IntegrationError` + `ExecutionError` of the stage, and HTTP API `5xx`, each a
   * sum per period.
   * @default { threshold: 5, period: Duration.minutes(5), evaluationPeriods: 1 }
   */
  readonly apiErrors?: AlarmTuning;
  /**
   * p99 `IntegrationLatency` of each API, in milliseconds.
   * @default { threshold: 3000, period: Duration.minutes(5), evaluationPeriods: 3 }
   */
  readonly apiLatency?: AlarmTuning;
  /**
   * `ApproximateAgeOfOldestMessage` of each work queue, in seconds (maximum per period). Above
   * the visibility timeout (360 s), so one retried message alone does not fire it.
   * @default { threshold: 600, period: Duration.minutes(1), evaluationPeriods: 5 }
   */
  readonly queueAge?: AlarmTuning;
  /**
   * Messages visible in each dead-letter queue (maximum per period): fires at one message.
   * @default { threshold: 1, period: Duration.minutes(1), evaluationPeriods: 1 }
   */
  readonly deadLetterDepth?: AlarmTuning;
  /**
   * The table's `ThrottledRequests` (over the operations used), and its read and write throttle
   * events with its indexes'.
   * @default { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1 }
   */
  readonly tableThrottles?: AlarmTuning;
  /**
   * The app metric `InternalErrors`: failures answered `INTERNAL`.
   * @default { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1 }
   */
  readonly internalErrors?: AlarmTuning;
  /**
   * The app metric `DeadLettered`, over every queue: records a consumer moved to a dead-letter
   * queue at once.
   * @default { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1 }
   */
  readonly deadLettered?: AlarmTuning;
  /**
   * The app metric `Deliveries` with outcome `rejected`: posts API Gateway refused for good.
   * @default { threshold: 5, period: Duration.minutes(5), evaluationPeriods: 1 }
   */
  readonly rejectedDeliveries?: AlarmTuning;
}

/** Groups whose work runs long by design, so a p99 near the timeout means work is being cut off. */
const DURATION_GROUPS: readonly FunctionGroup[] = ['queueConsumers', 'sweeper'];

/** A metric math alarm reads at most 10 metrics (a hard CloudWatch limit). */
const MAX_ALARM_METRICS = 10;

/**
 * An alarm on every failure signal of the stack, each notifying `topic` when it fires and when
 * it is OK again, each describing what it means and linking the docs/operations.md section on
 * what to do. Missing data never breaches: an idle stage is a healthy one.
 *
 * @example
 * new OperationsAlarms(this, 'Alarms', { topic, ...resources, queueAge: { threshold: 300 } });
 */
export class OperationsAlarms extends Construct {
  /** Every alarm, by construct id. */
  public readonly alarms: Readonly<Record<string, Alarm>>;
  private readonly created: Record<string, Alarm> = {};

  constructor(
    scope: Construct,
    id: string,
    private readonly props: OperationsAlarmsProps,
  ) {
    super(scope, id);
    // Every tuning is checked before any alarm exists, so a bad one changes nothing.
    for (const kind of Object.keys(defaultAlarmTuning) as AlarmKind[]) this.tuning(kind);
    this.alarms = this.created;
    this.alarmFunctions();
    this.alarmApis();
    this.alarmQueues();
    this.alarmTable();
    this.alarmAppMetrics();
  }

  private alarmFunctions(): void {
    const errors = this.tuning('functionErrors');
    const throttles = this.tuning('functionThrottles');
    const duration = this.tuning('functionDuration');
    for (const [group, names] of Object.entries(functionGroups()) as [FunctionGroup, FunctionName[]][]) {
      const title = functionGroupTitles[group];
      const chunks = chunksOf(names, MAX_ALARM_METRICS);
      chunks.forEach((chunk, i) => {
        const suffix = chunks.length > 1 ? `${i + 1}` : '';
        const which = `${title} (${chunk.join(', ')})`;
        const id = pascal(group);
        this.add(`${id}Errors${suffix}`, 'functionErrors', {
          metric: lambdaSum(this.props, chunk, 'Errors', errors.period, `${title} errors`),
          description: `Lambda errors (throws, timeouts, out of memory) in the ${which}`,
        });
        this.add(`${id}Throttles${suffix}`, 'functionThrottles', {
          metric: lambdaSum(this.props, chunk, 'Throttles', throttles.period, `${title} throttles`),
          description: `Lambda throttled invocations of the ${which}: concurrency is exhausted`,
        });
      });
      if (!DURATION_GROUPS.includes(group)) continue;
      for (const name of names) {
        const timeoutMs = (functionSpecs[name].timeoutSeconds ?? 10) * 1000;
        this.add(`${pascal(name)}Duration`, 'functionDuration', {
          metric: this.props.functions[name].metricDuration({ statistic: 'p99', period: duration.period }),
          threshold: Math.round(duration.threshold * timeoutMs),
          description: `p99 duration of the ${name} function is near its ${timeoutMs / 1000} s timeout`,
        });
      }
    }
  }

  private alarmApis(): void {
    const errors = this.tuning('apiErrors');
    const latency = this.tuning('apiLatency');
    const { httpApi } = this.props;
    this.add('WebSocketErrors', 'apiErrors', {
      metric: sumOf(
        {
          integration: webSocketMetric(this.props, 'IntegrationError', 'Sum', errors.period),
          execution: webSocketMetric(this.props, 'ExecutionError', 'Sum', errors.period),
        },
        'WebSocket integration and execution errors',
        errors.period,
      ),
      description: 'WebSocket API integration or execution errors: frames or connections a function failed',
    });
    this.add('HttpServerErrors', 'apiErrors', {
      metric: httpApi.metricServerError({ statistic: 'Sum', period: errors.period }),
      description: 'HTTP API 5xx responses',
    });
    this.add('WebSocketLatency', 'apiLatency', {
      metric: webSocketMetric(this.props, 'IntegrationLatency', 'p99', latency.period),
      description: 'WebSocket API p99 integration latency (ms) is high: clients wait for replies',
    });
    this.add('HttpLatency', 'apiLatency', {
      metric: httpApi.metricIntegrationLatency({ statistic: 'p99', period: latency.period }),
      description: 'HTTP API p99 integration latency (ms) is high',
    });
  }

  private alarmQueues(): void {
    const age = this.tuning('queueAge');
    const depth = this.tuning('deadLetterDepth');
    for (const name of Object.keys(this.props.queues) as QueueName[]) {
      this.add(`${pascal(name)}QueueAge`, 'queueAge', {
        metric: this.props.queues[name].metricApproximateAgeOfOldestMessage({
          statistic: 'Maximum',
          period: age.period,
        }),
        description: `The oldest message of the ${name} queue has waited too long (s): its consumer falls behind or keeps failing`,
      });
    }
    for (const name of Object.keys(this.props.deadLetterQueues)) {
      this.add(`${pascal(name)}Dlq`, 'deadLetterDepth', {
        metric: (this.props.deadLetterQueues[name] as IQueue).metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: depth.period,
        }),
        description: `Messages are waiting in the ${name} dead-letter queue`,
      });
    }
  }

  private alarmTable(): void {
    const { period } = this.tuning('tableThrottles');
    this.add('TableThrottledRequests', 'tableThrottles', {
      metric: tableThrottledRequests(this.props, period),
      description: 'DynamoDB throttled requests on the table',
    });
    this.add('TableThrottleEvents', 'tableThrottles', {
      metric: tableThrottleEvents(this.props, period),
      description: 'DynamoDB read or write throttle events on the table or its indexes',
    });
  }

  private alarmAppMetrics(): void {
    const source = this.props.appMetrics;
    const internal = this.tuning('internalErrors');
    this.add('InternalErrors', 'internalErrors', {
      metric: appMetric(source, 'InternalErrors', { statistic: 'Sum', period: internal.period }),
      description: 'Unexpected failures answered INTERNAL (app metric InternalErrors)',
    });
    const deadLettered = this.tuning('deadLettered');
    const perQueue: Record<string, IMetric> = {};
    for (const queue of Object.keys(this.props.queues) as QueueName[]) {
      perQueue[queue] = appMetric(source, 'DeadLettered', {
        dimensions: { queue },
        statistic: 'Sum',
        period: deadLettered.period,
      });
    }
    this.add('DeadLettered', 'deadLettered', {
      metric: sumOf(perQueue, 'Records dead-lettered', deadLettered.period),
      description: 'Queue records moved to a dead-letter queue by their consumer (app metric DeadLettered)',
    });
    const rejected = this.tuning('rejectedDeliveries');
    this.add('RejectedDeliveries', 'rejectedDeliveries', {
      metric: appMetric(source, 'Deliveries', {
        dimensions: { outcome: 'rejected' },
        statistic: 'Sum',
        period: rejected.period,
      }),
      description:
        'Posts to connections API Gateway refused for good (app metric Deliveries, outcome rejected)',
    });
  }

  private tuning(kind: AlarmKind): Required<AlarmTuning> {
    return checkTuning(kind, { ...defaultAlarmTuning[kind], ...this.props[kind] });
  }

  private add(
    id: string,
    kind: AlarmKind,
    spec: { metric: IMetric; description: string; threshold?: number },
  ): void {
    const tuning = this.tuning(kind);
    const alarm = new Alarm(this, id, {
      metric: spec.metric,
      threshold: spec.threshold ?? tuning.threshold,
      evaluationPeriods: tuning.evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `${spec.description}. What to do: docs/operations.md#${runbookAnchors[kind]}`,
    });
    const action = new SnsAction(this.props.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.created[id] = alarm;
  }
}

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);
