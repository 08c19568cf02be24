import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpStatusOf, internalErrorMessage } from '../../protocol/errors.ts';
import type { HttpErrorBody } from '../../protocol/http-responses.ts';
import { getDeps } from './clients.ts';
import type { Deps } from './deps.ts';
import { isAppError } from './errors.ts';
import { logger } from './logger.ts';
import { count, flushMetrics } from './metrics.ts';

export interface HttpOutcome {
  readonly status?: number;
  readonly body: unknown;
}

export type HttpHandler = (event: APIGatewayProxyEventV2, deps: Deps) => Promise<HttpOutcome>;

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * Wraps an HTTP API route: maps the outcome to JSON and every failure to
 * `{ "error": { "code", "message" } }` with the matching status. Unexpected failures are logged
 * with a correlation id and answered INTERNAL without details.
 */
export function httpRoute(run: HttpHandler) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const deps = getDeps();
    try {
      const outcome = await run(event, deps);
      return json(outcome.status ?? 200, outcome.body);
    } catch (error) {
      count('HttpErrors');
      if (isAppError(error)) {
        const body: HttpErrorBody = { error: { code: error.code, message: error.message } };
        return json(httpStatusOf[error.code], body);
      }
      const correlationId = event.requestContext.requestId;
      count('InternalErrors');
      logger.error('Unexpected failure', { correlationId, error: error as Error });
      const body: HttpErrorBody = {
        error: { code: 'INTERNAL', message: internalErrorMessage(correlationId) },
      };
      return json(httpStatusOf.INTERNAL, body);
    } finally {
      flushMetrics();
    }
  };
}

/** Headers arrive lower-cased from HTTP APIs (payload 2.0). */
export const authorizationOf = (event: APIGatewayProxyEventV2): string | undefined =>
  event.headers?.authorization ?? event.headers?.Authorization;
