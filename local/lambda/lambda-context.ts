import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Where the deprecated `done`/`fail`/`succeed` and the callback send their outcome. */
export interface ContextOutcome {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface CreateContextOptions {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly timeoutMs: number;
  readonly outcome: ContextOutcome;
  /** One per execution environment, as on Lambda. @default a new one */
  readonly logStreamName?: string;
}

/** A log stream name shaped like Lambda's: `2026/11/22/[$LATEST]{32 hex}`. */
export function newLogStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * A Lambda `Context` for one invoke: a new request id, a log stream shaped like Lambda's and a
 * clock that counts down from the function's timeout.
 */
export function createContext(options: CreateContextOptions): Context {
  const { functionName, outcome } = options;
  const deadline = Date.now() + options.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(options.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    // Not made per invoke: a call into the random source per invoke costs a fifth of the
    // emulated ping path's CPU.
    logStreamName: options.logStreamName ?? newLogStreamName(),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (error?: Error, result?: unknown) => (error ? outcome.reject(error) : outcome.resolve(result)),
    fail: (error: Error | string) => outcome.reject(typeof error === 'string' ? new Error(error) : error),
    succeed: (result: unknown) => outcome.resolve(result),
  };
}
