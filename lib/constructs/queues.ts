import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type QueueName, queues as queueSpecs } from '../manifest.ts';

export interface QueuesProps {
  /**
   * How long a dead-lettered message is kept for inspection and redrive.
   * @default Duration.days(14) (the SQS maximum)
   */
  readonly deadLetterRetention?: Duration;
}

/**
 * Every queue of the manifest, each with its own dead-letter queue: SQS-managed encryption,
 * TLS enforced by the queue policy, visibility timeout and `maxReceiveCount` from the manifest.
 *
 * @example
 * const { queues } = new Queues(this, 'Queues');
 * queues.deliveries.queueUrl;
 */
export class Queues extends Construct {
  /** The work queues, by manifest name. */
  public readonly queues: Readonly<Record<QueueName, Queue>>;
  /** The dead-letter queue behind each work queue, by manifest name. */
  public readonly deadLetterQueues: Readonly<Record<QueueName, Queue>>;

  constructor(scope: Construct, id: string, props: QueuesProps = {}) {
    super(scope, id);
    const queues = {} as Record<QueueName, Queue>;
    const deadLetterQueues = {} as Record<QueueName, Queue>;
    for (const [name, spec] of Object.entries(queueSpecs) as [QueueName, (typeof queueSpecs)[QueueName]][]) {
      const construct = name.charAt(0).toUpperCase() + name.slice(1);
      const dlq = new Queue(this, `${construct}Dlq`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
      });
      queues[name] = new Queue(this, construct, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
      deadLetterQueues[name] = dlq;
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;
  }
}
