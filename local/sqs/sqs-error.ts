/**
 * An SQS error as the JSON 1.0 protocol carries it. `code` is the modeled shape name
 * (`__type`); `queryCode` is the legacy query-protocol code the SDK reads from the
 * `x-amzn-query-error` header (SQS is "awsQueryCompatible"), which is how a client still sees
 * `AWS.SimpleQueueService.NonExistentQueue` in `error.Code`.
 */
export class SqsError extends Error {
  override readonly name = 'SqsError';

  constructor(
    readonly code: string,
    message: string,
    readonly queryCode: string = code,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const queueDoesNotExist = (): SqsError =>
  new SqsError(
    'QueueDoesNotExist',
    'The specified queue does not exist.',
    'AWS.SimpleQueueService.NonExistentQueue',
  );

export const invalidParameter = (message: string): SqsError =>
  new SqsError('InvalidParameterValueException', message, 'InvalidParameterValue');

export const missingParameter = (name: string): SqsError =>
  new SqsError(
    'MissingRequiredParameterException',
    `The request must contain the parameter ${name}.`,
    'MissingParameter',
  );

export const receiptHandleIsInvalid = (handle: string): SqsError =>
  new SqsError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
    'ReceiptHandleIsInvalid',
    404,
  );

export const messageNotInflight = (): SqsError =>
  new SqsError(
    'MessageNotInflight',
    'Message does not exist or is not available for visibility timeout change.',
    'AWS.SimpleQueueService.MessageNotInflight',
  );

export const purgeQueueInProgress = (queueUrl: string): SqsError =>
  new SqsError(
    'PurgeQueueInProgress',
    `Only one PurgeQueue operation on ${queueUrl.split('/').at(-1)} is allowed every 60 seconds.`,
    'AWS.SimpleQueueService.PurgeQueueInProgress',
    403,
  );

/** Serializes an error the way SQS answers it: JSON body, query-compatible header. */
export function describeError(error: SqsError): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  return {
    status: error.status,
    headers: { 'x-amzn-query-error': `${error.queryCode};Sender` },
    body: JSON.stringify({ __type: `com.amazonaws.sqs#${error.code}`, message: error.message }),
  };
}
