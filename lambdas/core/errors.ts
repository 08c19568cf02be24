/** The protocol's error codes (PROTOCOL.md, "Error codes"). */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_ACTION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ROOM_FULL'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL';

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

/** HTTP status for each code, used by the HTTP API. */
export const httpStatusOf: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNKNOWN_ACTION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROOM_FULL: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
};

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** True for DynamoDB's failed-condition error, whatever SDK layer raised it. */
export const isConditionFailed = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
