import {
  type OperationInput,
  readInteger,
  readList,
  readString,
  readStringMap,
  type SqsOperation,
} from './operation.ts';
import {
  knownAttributeNames,
  newSettings,
  parseSettings,
  renderAttributes,
  renderSettings,
} from './queue-attributes.ts';
import { invalidParameter, purgeQueueInProgress, queueDoesNotExist, SqsError } from './sqs-error.ts';

const queueNamePattern = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * CreateQueue is idempotent: the same name with the same attributes answers the existing URL;
 * a differing attribute is QueueNameExists, as in SQS. Tags are accepted and ignored.
 */
const createQueue: SqsOperation = (input, { store }) => {
  const name = readString(input, 'QueueName');
  if (!queueNamePattern.test(name)) {
    throw invalidParameter(
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
  const attributes = readStringMap(input, 'Attributes');
  const existing = store.findByName(name);
  if (!existing) return { QueueUrl: store.create(name, newSettings(attributes, store)).url };
  const current = renderSettings(existing.settings);
  const wanted = renderSettings(parseSettings(attributes, existing.settings, store));
  for (const attribute of Object.keys(attributes)) {
    if (current[attribute] !== wanted[attribute]) {
      throw new SqsError(
        'QueueNameExists',
        `A queue already exists with the same name and a different value for attribute ${attribute}`,
        'QueueAlreadyExists',
      );
    }
  }
  return { QueueUrl: existing.url };
};

const getQueueUrl: SqsOperation = (input, { store }) => {
  const queue = store.findByName(readString(input, 'QueueName'));
  if (!queue) throw queueDoesNotExist();
  return { QueueUrl: queue.url };
};

const getQueueAttributes: SqsOperation = (input, { store }) => {
  const queue = store.get(input.QueueUrl);
  const names = readList(input, 'AttributeNames').map(String);
  const rendered = renderAttributes(queue, Date.now());
  if (names.includes('All')) return { Attributes: rendered };
  const Attributes: Record<string, string> = {};
  for (const name of names) {
    if (!knownAttributeNames.has(name))
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    const value = rendered[name];
    if (value !== undefined) Attributes[name] = value;
  }
  return names.length > 0 ? { Attributes } : {};
};

const setQueueAttributes: SqsOperation = (input, { store }) => {
  const queue = store.get(input.QueueUrl);
  queue.settings = parseSettings(readStringMap(input, 'Attributes'), queue.settings, store);
  queue.lastModifiedTimestamp = Date.now();
  return {};
};

const listQueues: SqsOperation = (input: OperationInput, { store }) => {
  const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
  const maxResults = readInteger(input, 'MaxResults', { min: 1, max: 1000 });
  const start = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64url')) : 0;
  const urls = store
    .list()
    .filter((queue) => queue.name.startsWith(prefix))
    .map((queue) => queue.url);
  const page = urls.slice(start, start + (maxResults ?? 1000));
  const next = start + page.length;
  return {
    ...(page.length > 0 ? { QueueUrls: page } : {}),
    // SQS pages only when MaxResults is given.
    ...(maxResults !== undefined && next < urls.length
      ? { NextToken: Buffer.from(String(next)).toString('base64url') }
      : {}),
  };
};

/** SQS allows one purge per queue every 60 seconds (`purgeCooldownMs` of the endpoint). */
const purgeQueue: SqsOperation = (input, { store, purgeCooldownMs }) => {
  const queue = store.get(input.QueueUrl);
  const now = Date.now();
  if (queue.lastPurgedAt !== undefined && now - queue.lastPurgedAt < purgeCooldownMs)
    throw purgeQueueInProgress(queue.url);
  queue.lastPurgedAt = now;
  queue.messages.clear();
  return {};
};

const deleteQueue: SqsOperation = (input, { store }) => {
  store.delete(store.get(input.QueueUrl));
  return {};
};

export const queueOperations: Record<string, SqsOperation> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  ListQueues: listQueues,
  PurgeQueue: purgeQueue,
  DeleteQueue: deleteQueue,
};
