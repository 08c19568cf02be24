import type { WireMessageAttribute } from './md5.ts';

/** Queue attributes that change behaviour; every duration is in seconds, as SQS spells them. */
export interface QueueSettings {
  visibilityTimeout: number;
  delaySeconds: number;
  messageRetentionPeriod: number;
  maximumMessageSize: number;
  receiveMessageWaitTimeSeconds: number;
  redrivePolicy?: RedrivePolicy;
}

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export const defaultSettings: QueueSettings = {
  visibilityTimeout: 30,
  delaySeconds: 0,
  messageRetentionPeriod: 345_600,
  maximumMessageSize: 1_048_576,
  receiveMessageWaitTimeSeconds: 0,
};

/** A message held by a queue. Times are epoch milliseconds. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, WireMessageAttribute>>;
  readonly senderId: string;
  /** Kept when the message moves to a dead-letter queue: retention counts from the first enqueue. */
  readonly sentTimestamp: number;
  /** Before this the message is delayed (never received) or in flight (received). */
  visibleAt: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Set when the message was moved to a dead-letter queue: where it came from. */
  deadLetterQueueSourceArn?: string;
  /** The `AWSTraceHeader` system attribute the sender set. */
  readonly awsTraceHeader?: string;
  /** The handle of the latest receive; only it may delete the message or change its visibility. */
  receiptHandle?: string;
}

/** One standard queue: its messages in arrival order and the long polls waiting on it. */
export class LocalQueue {
  readonly messages = new Map<string, StoredMessage>();
  readonly createdTimestamp = Date.now();
  lastModifiedTimestamp = this.createdTimestamp;
  /** Epoch ms of the last `PurgeQueue`. */
  lastPurgedAt?: number;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    public settings: QueueSettings,
  ) {}

  enqueue(message: StoredMessage): void {
    this.messages.set(message.messageId, message);
    this.wake();
  }

  /** Drops messages older than the retention period, as SQS does lazily. */
  expire(now: number): void {
    const cutoff = now - this.settings.messageRetentionPeriod * 1000;
    for (const message of this.messages.values()) {
      if (message.sentTimestamp <= cutoff) this.messages.delete(message.messageId);
    }
  }

  /** When the earliest hidden message becomes visible, so a long poll can wake for it. */
  nextVisibleAt(now: number): number | undefined {
    let next: number | undefined;
    for (const message of this.messages.values()) {
      if (message.visibleAt > now && (next === undefined || message.visibleAt < next)) {
        next = message.visibleAt;
      }
    }
    return next;
  }

  counts(now: number): { visible: number; inFlight: number; delayed: number } {
    this.expire(now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages.values()) {
      if (message.visibleAt <= now) visible++;
      else if (message.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  /** Resolves after `ms`, when a message arrives or becomes visible, or when `signal` aborts. */
  waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted || ms <= 0) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done);
    });
  }

  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
