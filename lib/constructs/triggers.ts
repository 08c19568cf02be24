import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type FunctionName,
  type QueueName,
  queues as queueSpecs,
  type ScheduleSpec,
  schedules,
} from '../manifest.ts';
import { bindDeadLetterQueue } from './bindings.ts';

export interface TriggersProps {
  /** The manifest's functions, by manifest name. */
  readonly functions: Readonly<Record<FunctionName, LambdaFunction>>;
  /** The manifest's queues, by manifest name. */
  readonly queues: Readonly<Record<QueueName, IQueue>>;
  /** Each queue's dead-letter queue, which its consumer may send rejected records to. */
  readonly deadLetterQueues: Readonly<Record<QueueName, IQueue>>;
}

/**
 * What invokes functions besides the APIs: an SQS event source per manifest queue (batch size
 * from the manifest, partial batch responses so one bad record never replays a batch; the consumer
 * may also dead-letter a record itself, see {@link bindDeadLetterQueue}) and an
 * EventBridge rule per manifest schedule (`rate(N minutes)`).
 *
 * @example
 * new Triggers(this, 'Triggers', { functions, queues: q.queues, deadLetterQueues: q.deadLetterQueues });
 */
export class Triggers extends Construct {
  /** One rule per manifest schedule, by schedule name. */
  public readonly rules: Readonly<Record<string, Rule>>;

  constructor(scope: Construct, id: string, props: TriggersProps) {
    super(scope, id);
    for (const [name, spec] of Object.entries(queueSpecs) as [QueueName, (typeof queueSpecs)[QueueName]][]) {
      const consumer = props.functions[spec.consumer];
      consumer.addEventSource(
        new SqsEventSource(props.queues[name], { batchSize: spec.batchSize, reportBatchItemFailures: true }),
      );
      bindDeadLetterQueue(consumer, name, props.deadLetterQueues[name]);
    }
    const rules: Record<string, Rule> = {};
    for (const [name, spec] of Object.entries(schedules as Record<string, ScheduleSpec>)) {
      rules[name] = new Rule(this, name, {
        schedule: Schedule.rate(Duration.minutes(spec.rateMinutes)),
        targets: [new LambdaTarget(props.functions[spec.function])],
      });
    }
    this.rules = rules;
  }
}
