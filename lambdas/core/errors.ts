import type { ErrorCode } from '../../protocol/errors.ts';

/** An expected failure whose `code` and `message` are safe to show the client. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export const badRequest = (message: string): AppError => new AppError('BAD_REQUEST', message);
export const unauthorized = (message = 'Invalid or missing credentials'): AppError =>
  new AppError('UNAUTHORIZED', message);
export const forbidden = (message: string): AppError => new AppError('FORBIDDEN', message);
export const notFound = (message: string): AppError => new AppError('NOT_FOUND', message);
export const payloadTooLarge = (limit: number): AppError =>
  new AppError('PAYLOAD_TOO_LARGE', `data exceeds ${limit} bytes`, { limit });

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** True for DynamoDB's failed-condition error, whatever SDK layer raised it. */
export const isConditionFailed = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

/** Runs a conditional write: true when it was made, false when its condition failed. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
