import type { ErrorCode as ServerErrorCode } from '../protocol/errors.ts';

export type { ServerErrorCode };

/**
 * Error codes the SDK itself raises:
 * - `TIMEOUT`: no reply within `requestTimeoutMs` of the frame going out on an open socket;
 * - `QUEUE_FULL`: the outgoing queue already holds `maxQueuedFrames` frames;
 * - `CLOSED`: `close()` was called before the request was answered;
 * - `CONNECTION_FAILED`: `reconnect.maxAttempts` connection attempts failed in a row;
 * - `AUTH_FAILED`: the ticket or token function threw or hung (the error is the `cause`), or the
 *   server refused the credential (a 401 or 403 handshake, or `POST /tickets` refusing the
 *   token in a browser), even after a fresh one: the client stopped.
 *
 * @example
 * ```ts
 * client.on('error', (e) => {
 *   if (e.code === ('AUTH_FAILED' satisfies ClientErrorCode)) redirectToLogin();
 * });
 * ```
 */
export type ClientErrorCode = 'TIMEOUT' | 'QUEUE_FULL' | 'CLOSED' | 'CONNECTION_FAILED' | 'AUTH_FAILED';

/**
 * Every code a {@link WaveletError} may carry.
 *
 * @example
 * ```ts
 * const messages: Partial<Record<WaveletErrorCode, string>> = { FORBIDDEN: 'This room is private' };
 * ```
 */
export type WaveletErrorCode = ServerErrorCode | ClientErrorCode;

/**
 * The one error type the SDK rejects with and emits. `code` is the protocol's error code, or
 * one of the SDK's own ({@link ClientErrorCode}).
 *
 * @example
 * ```ts
 * try {
 *   await client.publish('general', { text: 'hi' });
 * } catch (error) {
 *   if (error instanceof WaveletError && error.code === 'FORBIDDEN') showJoinPrompt();
 *   else throw error;
 * }
 * ```
 */
export class WaveletError extends Error {
  /** A protocol error code, or one of the SDK's own. */
  readonly code: WaveletErrorCode | (string & {});
  /** For `RATE_LIMITED`: how long the server asked to wait, in ms. */
  readonly retryAfterMs?: number;

  constructor(
    code: WaveletErrorCode | (string & {}),
    message: string,
    options: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WaveletError';
    this.code = code;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
