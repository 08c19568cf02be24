import { randomBytes } from 'node:crypto';
import { LocalQueue, type QueueSettings, type StoredMessage } from './local-queue.ts';
import { queueDoesNotExist, receiptHandleIsInvalid } from './sqs-error.ts';

export const accountId = '000000000000';
export const region = 'us-east-1';

/**
 * All queues of one endpoint, found by URL, name or ARN. Receiving lives here rather than on
 * the queue because it can move a message to another queue (the dead-letter queue).
 */
export class QueueStore {
  private readonly queues = new Map<string, LocalQueue>();

  constructor(private readonly baseUrl: string) {}

  create(name: string, settings: QueueSettings): LocalQueue {
    const queue = new LocalQueue(
      name,
      `${this.baseUrl}/${accountId}/${name}`,
      `arn:aws:sqs:${region}:${accountId}:${name}`,
      settings,
    );
    this.queues.set(name, queue);
    return queue;
  }

  findByName(name: string): LocalQueue | undefined {
    return this.queues.get(name);
  }

  findByArn(arn: string): LocalQueue | undefined {
    return this.queues.get(arn.split(':').at(-1) ?? '');
  }

  /** Any host is accepted: only the last path segment names the queue, as clients vary hosts. */
  get(queueUrl: unknown): LocalQueue {
    if (typeof queueUrl !== 'string') throw queueDoesNotExist();
    const name = queueUrl.replace(/\/+$/, '').split('/').at(-1) ?? '';
    const queue = this.queues.get(name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  list(): LocalQueue[] {
    return [...this.queues.values()];
  }

  delete(queue: LocalQueue): void {
    this.queues.delete(queue.name);
    queue.wake();
  }

  /**
   * Takes up to `max` visible messages and hides them for `visibilityTimeout` seconds. A message
   * already received `maxReceiveCount` times moves to the dead-letter queue instead, at receive
   * time, which is when SQS moves it too.
   */
  receive(queue: LocalQueue, max: number, visibilityTimeout: number, now: number): StoredMessage[] {
    queue.expire(now);
    const received: StoredMessage[] = [];
    const policy = queue.settings.redrivePolicy;
    for (const message of queue.messages.values()) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      const deadLetters = policy && this.findByArn(policy.deadLetterTargetArn);
      if (policy && deadLetters && message.receiveCount >= policy.maxReceiveCount) {
        queue.messages.delete(message.messageId);
        deadLetters.enqueue({
          ...message,
          visibleAt: now,
          receiptHandle: undefined,
          deadLetterQueueSourceArn: queue.arn,
        });
        continue;
      }
      message.receiveCount++;
      message.firstReceiveTimestamp ??= now;
      message.visibleAt = now + visibilityTimeout * 1000;
      message.receiptHandle = encodeReceiptHandle(queue.name, message.messageId);
      received.push(message);
    }
    return received;
  }

  /** The message a handle was issued for, if it is still there and the handle is its latest. */
  findByHandle(queue: LocalQueue, handle: unknown): StoredMessage | undefined {
    const messageId = decodeReceiptHandle(handle);
    const message = queue.messages.get(messageId);
    return message?.receiptHandle === handle ? message : undefined;
  }
}

/** Opaque to clients, but carries the message id so a handle finds its message directly. */
function encodeReceiptHandle(queueName: string, messageId: string): string {
  const nonce = randomBytes(12).toString('base64url');
  return Buffer.from(JSON.stringify({ q: queueName, m: messageId, n: nonce })).toString('base64url');
}

function decodeReceiptHandle(handle: unknown): string {
  if (typeof handle === 'string' && handle.length > 0) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(handle, 'base64url').toString('utf8'));
      if (parsed && typeof parsed === 'object' && 'm' in parsed && typeof parsed.m === 'string') {
        return parsed.m;
      }
    } catch {
      // Falls through to the SQS error below.
    }
  }
  throw receiptHandleIsInvalid(String(handle));
}
