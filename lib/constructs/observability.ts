import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterAlarmsProps {
  /** The dead-letter queues to watch, by a name used in each alarm's description. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /**
   * How often the queue depth is sampled.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/**
 * An alarm on every dead-letter queue that fires as soon as one message is visible: a
 * dead-lettered record is a poison message or a bug, never routine. Attach actions (SNS,
 * chat) to `alarms` where the stack is deployed.
 *
 * @example
 * new DeadLetterAlarms(this, 'Alarms', { deadLetterQueues: queues.deadLetterQueues });
 */
export class DeadLetterAlarms extends Construct {
  /** One alarm per dead-letter queue, by the same name. */
  public readonly alarms: Readonly<Record<string, Alarm>>;

  constructor(scope: Construct, id: string, props: DeadLetterAlarmsProps) {
    super(scope, id);
    const alarms: Record<string, Alarm> = {};
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      const metric = queue.metricApproximateNumberOfMessagesVisible({
        period: props.period ?? Duration.minutes(1),
        statistic: 'Maximum',
      });
      alarms[name] = new Alarm(this, `${name}Dlq`, {
        metric,
        alarmDescription: `Messages are waiting in the ${name} dead-letter queue`,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
    this.alarms = alarms;
  }
}
