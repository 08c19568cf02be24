import { defaultSettings, type LocalQueue, type QueueSettings, type RedrivePolicy } from './local-queue.ts';
import type { QueueStore } from './queue-store.ts';
import { SqsError } from './sqs-error.ts';

/** Attributes SQS accepts on a queue but that change nothing locally (encryption, policies). */
const ignoredAttributes = new Set([
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'RedriveAllowPolicy',
]);

type NumericSetting = Exclude<keyof QueueSettings, 'redrivePolicy'>;

const numericAttributes: Record<string, { key: NumericSetting; min: number; max: number }> = {
  VisibilityTimeout: { key: 'visibilityTimeout', min: 0, max: 43_200 },
  DelaySeconds: { key: 'delaySeconds', min: 0, max: 900 },
  MessageRetentionPeriod: { key: 'messageRetentionPeriod', min: 60, max: 1_209_600 },
  MaximumMessageSize: { key: 'maximumMessageSize', min: 1024, max: 1_048_576 },
  ReceiveMessageWaitTimeSeconds: { key: 'receiveMessageWaitTimeSeconds', min: 0, max: 20 },
};

const readOnlyAttributes = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];

/** Every name GetQueueAttributes understands. */
export const knownAttributeNames = new Set([
  ...readOnlyAttributes,
  ...Object.keys(numericAttributes),
  'RedrivePolicy',
  ...ignoredAttributes,
]);

/** Applies `Attributes` of CreateQueue/SetQueueAttributes over `base`, validating like SQS. */
export function parseSettings(
  attributes: Record<string, string>,
  base: QueueSettings,
  store: QueueStore,
): QueueSettings {
  const settings: QueueSettings = { ...base };
  for (const [name, value] of Object.entries(attributes)) {
    const numeric = numericAttributes[name];
    if (numeric) {
      const number = Number(value);
      if (!Number.isInteger(number) || number < numeric.min || number > numeric.max) {
        throw invalidAttributeValue(name, value);
      }
      settings[numeric.key] = number;
    } else if (name === 'RedrivePolicy') {
      settings.redrivePolicy = value === '' ? undefined : parseRedrivePolicy(value, store);
    } else if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') {
      throw new SqsError(
        'InvalidAttributeName',
        `${name} is not supported by the local SQS (standard queues only).`,
      );
    } else if (!ignoredAttributes.has(name)) {
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
  }
  return settings;
}

export function newSettings(attributes: Record<string, string>, store: QueueStore): QueueSettings {
  return parseSettings(attributes, defaultSettings, store);
}

function parseRedrivePolicy(value: string, store: QueueStore): RedrivePolicy {
  let parsed: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidAttributeValue('RedrivePolicy', value, 'Redrive policy is not a valid JSON map.');
  }
  const maxReceiveCount = Number(parsed.maxReceiveCount);
  if (typeof parsed.deadLetterTargetArn !== 'string' || !Number.isInteger(maxReceiveCount)) {
    throw invalidAttributeValue(
      'RedrivePolicy',
      value,
      'Redrive policy needs deadLetterTargetArn and maxReceiveCount.',
    );
  }
  if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw invalidAttributeValue(
      'RedrivePolicy',
      value,
      'Invalid value for maxReceiveCount: must be 1 to 1000.',
    );
  }
  if (!store.findByArn(parsed.deadLetterTargetArn)) {
    throw invalidAttributeValue('RedrivePolicy', value, 'Dead-letter target does not exist.');
  }
  return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount };
}

function invalidAttributeValue(name: string, value: string, reason = 'Invalid value.'): SqsError {
  return new SqsError(
    'InvalidAttributeValue',
    `Invalid value for the parameter ${name}: ${value}. Reason: ${reason}`,
  );
}

/** The settable attributes as SQS spells them, all strings. */
export function renderSettings(settings: QueueSettings): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const [name, { key }] of Object.entries(numericAttributes)) {
    rendered[name] = String(settings[key]);
  }
  if (settings.redrivePolicy) rendered.RedrivePolicy = JSON.stringify(settings.redrivePolicy);
  return rendered;
}

/** Every attribute of `queue` as GetQueueAttributes answers it. */
export function renderAttributes(queue: LocalQueue, now: number): Record<string, string> {
  const counts = queue.counts(now);
  return {
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdTimestamp / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.lastModifiedTimestamp / 1000)),
    QueueArn: queue.arn,
    SqsManagedSseEnabled: 'false',
    ...renderSettings(queue.settings),
  };
}
