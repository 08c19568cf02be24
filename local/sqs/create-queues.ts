import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type QueueName, queues } from '../../lib/manifest.ts';

/** Options of {@link createQueues}. */
export interface CreateQueuesOptions {
  /** The SQS endpoint (from `startSqs`). */
  readonly endpoint: string;
  /** Names become `{prefix}-{queue}` and `{prefix}-{queue}-dlq`. */
  readonly prefix: string;
  /** Overrides every queue's visibility timeout, so tests see redelivery in seconds. */
  readonly visibilityTimeoutSeconds?: number;
  /** Overrides every queue's receives before dead-lettering. */
  readonly maxReceiveCount?: number;
}

/** URLs and ARNs of one manifest queue and its dead-letter queue. */
export interface LocalQueueRefs {
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
}

/** Fourteen days, the SQS maximum, so dead letters stay around to be inspected. */
const deadLetterRetentionSeconds = 1_209_600;

/**
 * Creates each manifest queue with its dead-letter queue and redrive policy, through the real
 * SDK client; safe to run again (CreateQueue is idempotent for equal attributes).
 */
export async function createQueues(options: CreateQueuesOptions): Promise<Record<QueueName, LocalQueueRefs>> {
  const client = new SQSClient({
    endpoint: options.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const created: Partial<Record<QueueName, LocalQueueRefs>> = {};
    for (const [name, spec] of Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][]) {
      const dlqUrl = await createQueue(client, `${options.prefix}-${name}-dlq`, {
        MessageRetentionPeriod: String(deadLetterRetentionSeconds),
      });
      const dlqArn = await queueArn(client, dlqUrl);
      const url = await createQueue(client, `${options.prefix}-${name}`, {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? spec.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? spec.maxReceiveCount,
        }),
      });
      created[name] = { url, arn: await queueArn(client, url), dlqUrl, dlqArn };
    }
    return created as Record<QueueName, LocalQueueRefs>;
  } finally {
    client.destroy();
  }
}

async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  return QueueUrl;
}

async function queueArn(client: SQSClient, url: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`GetQueueAttributes returned no QueueArn for ${url}`);
  return arn;
}
