import type * as z from 'zod/mini';
import { internalErrorMessage } from '../../protocol/errors.ts';
import { describeIssues } from '../../protocol/issues.ts';
import { maxRefLength } from '../../protocol/limits.ts';
import { errorFrame, replyFrame } from '../../protocol/server-frames.ts';
import { getDeps } from './clients.ts';
import type { Deps } from './deps.ts';
import { AppError, isAppError } from './errors.ts';
import { logger } from './logger.ts';
import { count, flushMetrics } from './metrics.ts';
import { assertCredentialCurrent } from './services/credentials.ts';
import { consumeRateLimit } from './store/rate-limits.ts';
import { type Caller, callerOf, type WebSocketEvent, type WebSocketResult } from './ws-event.ts';

/** What a route's service call returns: the reply `result`, and optionally a frame for ref-less frames. */
export interface RouteOutcome {
  readonly result?: unknown;
  /** Sent when the frame carried no `ref` (ping's `pong`). */
  readonly unsolicited?: unknown;
}

export type RouteHandler<F> = (frame: F, caller: Caller, deps: Deps) => Promise<RouteOutcome>;

const ok = (frame?: unknown): WebSocketResult =>
  frame === undefined ? { statusCode: 200 } : { statusCode: 200, body: JSON.stringify(frame) };

/**
 * Actions that are not rate limited. Heartbeats keep a connection alive and cost no write most
 * of the time (last-seen is written at most once a minute): limiting them would cost a write
 * each and could make a busy client look dead.
 */
const unlimitedActions = new Set(['ping']);

/**
 * Wraps a message route: refuses frames of a connection whose credential expired (but `ping`
 * and `refresh`), parses and validates the frame, counts it against the user's rate
 * limit for the action, runs the service call and answers with one `reply` or `error` frame
 * (two-way route). A bad frame never writes anything (not even a rate-limit count), and never
 * closes the connection.
 */
export function wsRoute<S extends z.ZodMiniType>(schema: S, run: RouteHandler<z.infer<S>>) {
  // Lambda calls handler(event, context, callback): dependencies cannot ride on a parameter.
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const deps = getDeps();
    const raw = parseJson(event.body);
    const ref = refOf(raw);
    try {
      const caller = callerOf(event);
      await assertCredentialCurrent(deps, caller, event.requestContext.routeKey);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new AppError('BAD_REQUEST', describeIssues(parsed.error));
      await enforceRateLimit(deps, caller.userId, event.requestContext.routeKey);
      const outcome = await run(parsed.data, caller, deps);
      if (ref !== null) return ok(replyFrame(ref, outcome.result ?? {}));
      return ok(outcome.unsolicited);
    } catch (error) {
      return ok(toErrorFrame(error, ref, event.requestContext.requestId));
    } finally {
      flushMetrics();
    }
  };
}

/** Throws RATE_LIMITED, with the wait until the user's window for the action opens again, when it is used up. */
async function enforceRateLimit(deps: Deps, userId: string, action: string): Promise<void> {
  if (unlimitedActions.has(action)) return;
  const retryAfterMs = await consumeRateLimit(deps, userId, action);
  if (retryAfterMs > 0) {
    throw new AppError('RATE_LIMITED', `Too many ${action} frames; retry in ${retryAfterMs} ms`, {
      retryAfterMs,
    });
  }
}

/** Maps any failure to an error frame; unexpected ones are logged with a correlation id. */
export function toErrorFrame(error: unknown, ref: string | null, correlationId: string) {
  count('FrameErrors');
  if (isAppError(error)) {
    if (error.code === 'RATE_LIMITED') count('RateLimited');
    return errorFrame(ref, error.code, error.message, rateLimitExtra(error));
  }
  count('InternalErrors');
  logger.error('Unexpected failure', { correlationId, error: error as Error });
  return errorFrame(ref, 'INTERNAL', internalErrorMessage(correlationId));
}

const rateLimitExtra = (error: AppError) =>
  error.code === 'RATE_LIMITED'
    ? { retryAfterMs: error.details?.retryAfterMs as number | undefined }
    : undefined;

export function parseJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
}

/** The frame's `ref` when it is a usable one; errors about the ref itself go out with null. */
export function refOf(frame: unknown): string | null {
  const ref = (frame as { ref?: unknown } | null | undefined)?.ref;
  return typeof ref === 'string' && ref.length <= maxRefLength ? ref : null;
}
