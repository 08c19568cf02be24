import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type QueueName, queues as queueSpecs } from '../manifest.ts';

export interface QueuesProps {
  /**
   * How long a dead-lettered message is kept for inspection and redrive.
   * @default Duration.days(14) (the SQS maximum)
   */
  readonly deadLetterRetention?: Duration;
  /**
   * Customer-managed key every queue (dead-letter queues included) is encrypted with.
   * @default SQS-managed encryption (SSE-SQS)
   */
  readonly encryptionKey?: IKey;
}

/**
 * Every queue of the manifest, each with its own dead-letter queue, and one dead-letter queue for
 * the scheduled functions: SQS-managed encryption or a customer-managed key, TLS enforced by the
 * queue policy, visibility timeout and `maxReceiveCount` from the manifest.
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
  /**
   * Where a scheduled invocation goes when it failed (the function's asynchronous DLQ) or could
   * not be delivered to the function at all (the EventBridge target's DLQ).
   */
  public readonly scheduleDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: QueuesProps = {}) {
    super(scope, id);
    const encryption: Pick<QueueProps, 'encryption' | 'encryptionMasterKey' | 'enforceSSL'> =
      props.encryptionKey
        ? { encryption: QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey, enforceSSL: true }
        : { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };
    const deadLetterQueue = (construct: string, holds: string): Queue => {
      const dlq = new Queue(this, construct, {
        ...encryption,
        retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
      });
      Validations.of(dlq).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: `${construct} is itself the dead-letter queue of ${holds}: a message that lands here is kept for inspection and redrive, and a dead-letter queue behind it would only move it again`,
      });
      return dlq;
    };
    const queues = {} as Record<QueueName, Queue>;
    const deadLetterQueues = {} as Record<QueueName, Queue>;
    for (const [name, spec] of Object.entries(queueSpecs) as [QueueName, (typeof queueSpecs)[QueueName]][]) {
      const construct = name.charAt(0).toUpperCase() + name.slice(1);
      const dlq = deadLetterQueue(`${construct}Dlq`, `the ${name} queue`);
      queues[name] = new Queue(this, construct, {
        ...encryption,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
      deadLetterQueues[name] = dlq;
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;
    this.scheduleDeadLetterQueue = deadLetterQueue(
      'ScheduleDlq',
      'the scheduled functions and their EventBridge rules',
    );
  }
}
