import { randomUUID } from 'node:crypto';
import { readBatchEntries, runBatch } from './batch.ts';
import type { LocalQueue } from './local-queue.ts';
import { md5Hex, md5OfMessageAttributes, type WireMessageAttribute } from './md5.ts';
import { type OperationInput, readInteger, readString, type SqsOperation } from './operation.ts';
import { invalidParameter, SqsError } from './sqs-error.ts';

/** Characters SQS accepts in a body (the XML 1.0 character set). */
const invalidCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function sendOne(queue: LocalQueue, input: OperationInput, senderId: string): Record<string, unknown> {
  const body = readString(input, 'MessageBody');
  if (invalidCharacter.test(body)) {
    throw new SqsError(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    );
  }
  const attributes = readMessageAttributes(input);
  const traceHeader = readTraceHeader(input);
  const size = Buffer.byteLength(body) + attributesSize(attributes);
  if (size > queue.settings.maximumMessageSize) {
    throw invalidParameter(
      `One or more parameters are invalid. Reason: Message must be shorter than ${queue.settings.maximumMessageSize} bytes.`,
    );
  }
  const delay = readInteger(input, 'DelaySeconds', { min: 0, max: 900 }) ?? queue.settings.delaySeconds;
  const now = Date.now();
  const md5OfBody = md5Hex(body);
  const hasAttributes = Object.keys(attributes).length > 0;
  const messageId = randomUUID();
  queue.enqueue({
    messageId,
    body,
    md5OfBody,
    messageAttributes: attributes,
    senderId,
    sentTimestamp: now,
    visibleAt: now + delay * 1000,
    receiveCount: 0,
    ...(traceHeader !== undefined ? { awsTraceHeader: traceHeader } : {}),
  });
  return {
    MessageId: messageId,
    MD5OfMessageBody: md5OfBody,
    ...(hasAttributes ? { MD5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
    ...(traceHeader !== undefined
      ? {
          MD5OfMessageSystemAttributes: md5OfMessageAttributes({
            AWSTraceHeader: { DataType: 'String', StringValue: traceHeader },
          }),
        }
      : {}),
  };
}

// `AWSTraceHeader` is the only message system attribute SQS accepts; it comes back on receive.
function readTraceHeader(input: OperationInput): string | undefined {
  const raw = input.MessageSystemAttributes;
  if (!raw || typeof raw !== 'object') return undefined;
  for (const [name, value] of Object.entries(raw as Record<string, Partial<WireMessageAttribute>>)) {
    if (name !== 'AWSTraceHeader')
      throw invalidParameter(`Message system attribute name '${name}' is invalid.`);
    if (value?.DataType !== 'String' || typeof value.StringValue !== 'string' || value.StringValue === '')
      throw invalidParameter(`The message system attribute '${name}' must be a non-empty String.`);
    return value.StringValue;
  }
  return undefined;
}

function readMessageAttributes(input: OperationInput): Record<string, WireMessageAttribute> {
  const raw = input.MessageAttributes;
  if (!raw || typeof raw !== 'object') return {};
  const entries = Object.entries(raw as Record<string, Partial<WireMessageAttribute>>);
  if (entries.length > 10) {
    throw invalidParameter(
      'Number of message attributes [' + entries.length + '] exceeds the allowed maximum [10].',
    );
  }
  const attributes: Record<string, WireMessageAttribute> = {};
  for (const [name, value] of entries) {
    const dataType = value?.DataType;
    if (typeof dataType !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(dataType)) {
      throw invalidParameter(`The message attribute '${name}' has an invalid message attribute type.`);
    }
    const isBinary = dataType.startsWith('Binary');
    const payload = isBinary ? value.BinaryValue : value.StringValue;
    if (typeof payload !== 'string') {
      throw invalidParameter(
        `The message attribute '${name}' must contain a non-empty message attribute value.`,
      );
    }
    attributes[name] = isBinary
      ? { DataType: dataType, BinaryValue: payload }
      : { DataType: dataType, StringValue: payload };
  }
  return attributes;
}

function attributesSize(attributes: Record<string, WireMessageAttribute>): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    size +=
      value.BinaryValue !== undefined
        ? Buffer.from(value.BinaryValue, 'base64').length
        : Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

const sendMessage: SqsOperation = (input, { store, senderId }) =>
  sendOne(store.get(input.QueueUrl), input, senderId);

const sendMessageBatch: SqsOperation = (input, { store, senderId }) => {
  const queue = store.get(input.QueueUrl);
  const entries = readBatchEntries(input);
  const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(String(entry.MessageBody ?? '')), 0);
  if (total > queue.settings.maximumMessageSize) {
    throw new SqsError(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than ${queue.settings.maximumMessageSize} bytes.`,
      'AWS.SimpleQueueService.BatchRequestTooLong',
    );
  }
  return runBatch(entries, (entry) => sendOne(queue, entry, senderId));
};

export const sendOperations: Record<string, SqsOperation> = {
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
};
