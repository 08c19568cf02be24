export { recordsToDelete } from './batch-outcome.ts';
export { toSqsEvent } from './sqs-event.ts';
export { type SqsEventSource, type SqsEventSourceOptions, startSqsEventSource } from './sqs-event-source.ts';
