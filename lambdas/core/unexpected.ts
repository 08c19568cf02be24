import { logger } from './logger.ts';
import { count } from './metrics.ts';

/**
 * Reports a failure nothing expected: counts it (`InternalErrors`) and logs it at ERROR with
 * the correlation id (a request id, a queue message id) that ties the log line to the call.
 * The caller decides what follows (answer INTERNAL, rethrow, go on).
 *
 * @example
 * catch (error) {
 *   reportUnexpected('Connect failed', event.requestContext.requestId, error);
 *   throw error;
 * }
 */
export function reportUnexpected(message: string, correlationId: string | undefined, error: unknown): void {
  count('InternalErrors');
  logger.error(message, { correlationId, error: error as Error });
}
