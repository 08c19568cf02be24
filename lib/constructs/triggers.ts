import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
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
import { bindDeadLetterQueue, grantSend } from './bindings.ts';

export interface TriggersProps {
  /** The manifest's functions, by manifest name. */
  readonly functions: Readonly<Record<FunctionName, LambdaFunction>>;
  /** The manifest's queues, by manifest name. */
  readonly queues: Readonly<Record<QueueName, IQueue>>;
  /** Each queue's dead-letter queue, which its consumer may send rejected records to. */
  readonly deadLetterQueues: Readonly<Record<QueueName, IQueue>>;
  /** Where failed scheduled invocations and undeliverable schedule events go. */
  readonly scheduleDeadLetterQueue: IQueue;
  /**
   * How often EventBridge retries delivering a schedule event to its function.
   * @default 2
   */
  readonly scheduleRetryAttempts?: number;
}

/**
 * What invokes functions besides the APIs: an SQS event source per manifest queue (batch size
 * from the manifest, partial batch responses so one bad record never replays a batch; the consumer
 * may also dead-letter a record itself, see {@link bindDeadLetterQueue}) and an
 * EventBridge rule per manifest schedule (`rate(N minutes)`). A scheduled function runs
 * asynchronously, so nobody sees its errors: a run that still fails after Lambda's retries goes
 * to the schedule dead-letter queue (the function's DLQ), and so does an event EventBridge could
 * not hand to the function within its retries and an hour (the rule target's DLQ).
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
      Validations.of(consumer).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason: `The mapping from the ${name} queue to ${spec.consumer} cannot take an on-failure destination: Lambda supports one on Kinesis, DynamoDB Streams and Kafka mappings only; for SQS the queue's redrive policy is the failure path (its dead-letter queue after ${spec.maxReceiveCount} receives, or the consumer's own dead-lettering of a bad record)`,
      });
      Validations.of(consumer).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: `${spec.consumer} consumes the ${name} queue (an SQS poller, never an asynchronous invocation): a record that keeps failing goes to the queue's own redrive dead-letter queue after ${spec.maxReceiveCount} receives`,
      });
    }
    const scheduled = new Set<string>();
    const rules: Record<string, Rule> = {};
    for (const [name, spec] of Object.entries(schedules as Record<string, ScheduleSpec>)) {
      const fn = props.functions[spec.function];
      rules[name] = new Rule(this, name, {
        schedule: Schedule.rate(Duration.minutes(spec.rateMinutes)),
        targets: [
          new LambdaTarget(fn, {
            deadLetterQueue: props.scheduleDeadLetterQueue,
            retryAttempts: props.scheduleRetryAttempts ?? 2,
            maxEventAge: Duration.hours(1),
          }),
        ],
      });
      if (scheduled.has(spec.function)) continue;
      scheduled.add(spec.function);
      // The L2 only takes a DLQ when the function is created; the handlers are created first.
      (fn.node.defaultChild as CfnFunction).deadLetterConfig = {
        targetArn: props.scheduleDeadLetterQueue.queueArn,
      };
      grantSend(fn, props.scheduleDeadLetterQueue);
    }
    this.rules = rules;
  }
}
