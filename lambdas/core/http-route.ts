import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpStatusOf, internalErrorMessage } from '../../protocol/errors.ts';
import type { HttpErrorBody } from '../../protocol/http-responses.ts';
import { getDeps } from './clients.ts';
import type { Deps } from './deps.ts';
import { AppError, isAppError } from './errors.ts';
import { count, flushMetrics, observe } from './metrics.ts';
import { consumeUserCap } from './store/rate-limits.ts';
import { reportUnexpected } from './unexpected.ts';

export interface HttpOutcome {
  readonly status?: number;
  readonly body: unknown;
  /** Extra response headers, e.g. `location` of a 302. */
  readonly headers?: Readonly<Record<string, string>>;
}

export type HttpHandler = (event: APIGatewayProxyEventV2, deps: Deps) => Promise<HttpOutcome>;

const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** `Retry-After` (whole seconds, rounded up) for a RATE_LIMITED answer. */
const retryAfterOf = (error: AppError): Record<string, string> => {
  const ms = error.code === 'RATE_LIMITED' ? Number(error.details?.retryAfterMs) : Number.NaN;
  return Number.isFinite(ms) ? { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) } : {};
};

/**
 * Wraps an HTTP API route: maps the outcome to JSON and every failure to
 * `{ "error": { "code", "message" } }` with the matching status. Unexpected failures are logged
 * with a correlation id and answered INTERNAL without details.
 */
export function httpRoute(run: HttpHandler) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const deps = getDeps();
    const started = Date.now();
    let status = 500;
    try {
      const outcome = await run(event, deps);
      status = outcome.status ?? 200;
      return json(status, outcome.body, outcome.headers ? { ...outcome.headers } : {});
    } catch (error) {
      if (isAppError(error)) {
        if (error.code === 'RATE_LIMITED') count('RateLimited');
        const body: HttpErrorBody = { error: { code: error.code, message: error.message } };
        status = httpStatusOf[error.code];
        return json(status, body, retryAfterOf(error));
      }
      const correlationId = event.requestContext.requestId;
      reportUnexpected('Unexpected failure', correlationId, error);
      const body: HttpErrorBody = {
        error: { code: 'INTERNAL', message: internalErrorMessage(correlationId) },
      };
      status = httpStatusOf.INTERNAL;
      return json(status, body);
    } finally {
      const dimensions = { route: event.routeKey, status: String(status) };
      count('HttpRequests', 1, dimensions);
      observe('HttpLatency', Date.now() - started, dimensions);
      flushMetrics();
    }
  };
}

/** Headers arrive lower-cased from HTTP APIs (payload 2.0). */
export const authorizationOf = (event: APIGatewayProxyEventV2): string | undefined =>
  event.headers?.authorization ?? event.headers?.Authorization;

/** Per-user caps of the routes that create things, per minute (TICKETS_PER_MINUTE, ROOMS_PER_MINUTE). */
const userCaps = {
  tickets: (deps: Deps) => deps.config.TICKETS_PER_MINUTE,
  rooms: (deps: Deps) => deps.config.ROOMS_PER_MINUTE,
  uploads: (deps: Deps) => deps.config.UPLOADS_PER_MINUTE,
} as const;

/**
 * Counts one request of an authenticated user against the route's per-user cap; past it throws
 * RATE_LIMITED (429 with `Retry-After`) before anything is written. One conditional write.
 */
export async function enforceUserCap(deps: Deps, userId: string, cap: keyof typeof userCaps): Promise<void> {
  const retryAfterMs = await consumeUserCap(deps, userId, cap, userCaps[cap](deps), 60_000);
  if (retryAfterMs > 0) {
    throw new AppError(
      'RATE_LIMITED',
      `Too many ${cap} requests; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
      {
        retryAfterMs,
      },
    );
  }
}
