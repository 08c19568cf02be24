export { type CreateQueuesOptions, createQueues, type LocalQueueRefs } from './create-queues.ts';
export { type LocalSqs, type StartSqsOptions, startSqs } from './start-sqs.ts';
