/**
 * The error codes of `error` frames and HTTP error bodies (docs/protocol.md, "Error codes"),
 * one list that both the server and the SDK use.
 */
export const errorCodes = [
  'BAD_REQUEST',
  'UNKNOWN_ACTION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'ROOM_FULL',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INBOX_FULL',
  'REJECTED',
  'INTERNAL',
] as const;

/**
 * Error codes the server sends. The SDK exports this type as `ServerErrorCode`.
 *
 * @example
 * ```ts
 * import type { ServerErrorCode } from '@wavelet/client';
 *
 * const retryable: ServerErrorCode[] = ['RATE_LIMITED', 'INTERNAL'];
 * ```
 */
export type ErrorCode = (typeof errorCodes)[number];

/** The HTTP status the HTTP API answers with each code. */
export const httpStatusOf: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNKNOWN_ACTION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROOM_FULL: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  INBOX_FULL: 409,
  REJECTED: 422,
  INTERNAL: 500,
};

/** The message of an `INTERNAL` error: the correlation id under which the failure was logged. */
export const internalErrorMessage = (correlationId: string): string =>
  `Internal error (correlation id ${correlationId})`;
