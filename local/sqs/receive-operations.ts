import { readBatchEntries, runBatch } from './batch.ts';
import type { LocalQueue, StoredMessage } from './local-queue.ts';
import { md5OfMessageAttributes, type WireMessageAttribute } from './md5.ts';
import { type OperationInput, readInteger, readList, readString, type SqsOperation } from './operation.ts';
import type { QueueStore } from './queue-store.ts';
import { messageNotInflight } from './sqs-error.ts';

/**
 * ReceiveMessage with long polling: it answers as soon as at least one message is available
 * (or becomes visible), or empty when the wait ends, the client leaves or the endpoint closes.
 */
const receiveMessage: SqsOperation = async (input, { store, signal }) => {
  const queue = store.get(input.QueueUrl);
  const max = readInteger(input, 'MaxNumberOfMessages', { min: 1, max: 10 }) ?? 1;
  const visibility =
    readInteger(input, 'VisibilityTimeout', { min: 0, max: 43_200 }) ?? queue.settings.visibilityTimeout;
  const wait =
    readInteger(input, 'WaitTimeSeconds', { min: 0, max: 20 }) ??
    queue.settings.receiveMessageWaitTimeSeconds;
  const deadline = Date.now() + wait * 1000;
  for (;;) {
    const now = Date.now();
    const received = store.receive(queue, max, visibility, now);
    if (received.length > 0) return { Messages: received.map((message) => render(message, input)) };
    if (now >= deadline || signal.aborted) return {};
    const wakeAt = Math.min(deadline, queue.nextVisibleAt(now) ?? deadline);
    await queue.waitForChange(wakeAt - now, signal);
  }
};

function render(message: StoredMessage, input: OperationInput): Record<string, unknown> {
  const attributes = systemAttributes(message, [
    ...readList(input, 'AttributeNames'),
    ...readList(input, 'MessageSystemAttributeNames'),
  ]);
  const messageAttributes = selectMessageAttributes(
    message.messageAttributes,
    readList(input, 'MessageAttributeNames'),
  );
  const hasMessageAttributes = Object.keys(messageAttributes).length > 0;
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(hasMessageAttributes
      ? {
          MessageAttributes: messageAttributes,
          MD5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
        }
      : {}),
  };
}

function systemAttributes(message: StoredMessage, requested: unknown[]): Record<string, string> {
  const all: Record<string, string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentTimestamp),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
    DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn,
    AWSTraceHeader: message.awsTraceHeader,
  };
  const wantsAll = requested.includes('All');
  const selected: Record<string, string> = {};
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined && (wantsAll || requested.includes(name))) selected[name] = value;
  }
  return selected;
}

/** `All`, `.*`, exact names and `prefix.*` select attributes, as SQS documents. */
function selectMessageAttributes(
  attributes: Readonly<Record<string, WireMessageAttribute>>,
  requested: unknown[],
): Record<string, WireMessageAttribute> {
  const patterns = requested.map(String);
  const matches = (name: string): boolean =>
    patterns.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '.*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
    );
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => matches(name)));
}

/** Only the latest receipt handle deletes; an older one succeeds without deleting, like SQS. */
function deleteOne(store: QueueStore, queue: LocalQueue, handle: unknown): Record<string, unknown> {
  const message = store.findByHandle(queue, handle);
  if (message) queue.messages.delete(message.messageId);
  return {};
}

function changeVisibility(
  store: QueueStore,
  queue: LocalQueue,
  entry: OperationInput,
): Record<string, unknown> {
  const handle = readString(entry, 'ReceiptHandle');
  const timeout = readInteger(entry, 'VisibilityTimeout', { min: 0, max: 43_200 }) ?? 0;
  const message = store.findByHandle(queue, handle);
  const now = Date.now();
  if (!message || message.visibleAt <= now) throw messageNotInflight();
  message.visibleAt = now + timeout * 1000;
  if (timeout === 0) queue.wake();
  return {};
}

const deleteMessage: SqsOperation = (input, { store }) =>
  deleteOne(store, store.get(input.QueueUrl), readString(input, 'ReceiptHandle'));

const deleteMessageBatch: SqsOperation = (input, { store }) => {
  const queue = store.get(input.QueueUrl);
  return runBatch(readBatchEntries(input), (entry) => deleteOne(store, queue, entry.ReceiptHandle));
};

const changeMessageVisibility: SqsOperation = (input, { store }) =>
  changeVisibility(store, store.get(input.QueueUrl), input);

const changeMessageVisibilityBatch: SqsOperation = (input, { store }) => {
  const queue = store.get(input.QueueUrl);
  return runBatch(readBatchEntries(input), (entry) => changeVisibility(store, queue, entry));
};

export const receiveOperations: Record<string, SqsOperation> = {
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
};
