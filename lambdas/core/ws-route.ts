import type * as z from 'zod/mini';
import { internalErrorMessage } from '../../protocol/errors.ts';
import { describeIssues } from '../../protocol/issues.ts';
import { maxRefLength } from '../../protocol/limits.ts';
import { errorFrame, replyFrame } from '../../protocol/server-frames.ts';
import { getDeps } from './clients.ts';
import type { Deps } from './deps.ts';
import { AppError, isAppError } from './errors.ts';
import { count, flushMetrics, observe } from './metrics.ts';
import { assertCredentialCurrent } from './services/credentials.ts';
import { consumeFrameBudget, consumePingBudget } from './store/rate-limits.ts';
import { reportUnexpected } from './unexpected.ts';
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
 * Wraps a message route: counts the frame against the user's frame budget (and, when it is
 * valid, the action's limit), refuses it when the connection's credential expired (but `ping` and `refresh`),
 * validates it, runs the service call and answers with one `reply`
 * or `error` frame (two-way route). A bad frame never writes anything but its rate count, and
 * never closes the connection.
 */
export function wsRoute<S extends z.ZodMiniType>(schema: S, run: RouteHandler<z.infer<S>>) {
  // Lambda calls handler(event, context, callback): dependencies cannot ride on a parameter.
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const deps = getDeps();
    const started = Date.now();
    const raw = parseJson(event.body);
    const ref = refOf(raw);
    let outcome = 'ok';
    try {
      const caller = callerOf(event);
      const parsed = schema.safeParse(raw);
      // The budget first: it bounds what a flood of frames can cost, the expiry check included.
      await enforceFrameBudget(deps, caller.userId, event.requestContext.routeKey, parsed.success);
      await assertCredentialCurrent(deps, caller, event.requestContext.routeKey);
      if (!parsed.success) throw new AppError('BAD_REQUEST', describeIssues(parsed.error));
      const answer = await run(parsed.data, caller, deps);
      if (ref !== null) return ok(replyFrame(ref, answer.result ?? {}));
      return ok(answer.unsolicited);
    } catch (error) {
      const frame = toErrorFrame(error, ref, event.requestContext.requestId);
      outcome = frame.code;
      return ok(frame);
    } finally {
      countFrame(event.requestContext.routeKey, outcome, started);
    }
  };
}

/**
 * Throws RATE_LIMITED, with the wait until the user's window opens again, when the frame is over
 * the user's budget across all actions or, when valid, over its action's limit. Every frame
 * counts, invalid ones too (`$default` calls this for frames no route took). Heartbeats are
 * counted in memory only: a write each would cost several writes an hour per idle connection.
 */
export async function enforceFrameBudget(
  deps: Deps,
  userId: string,
  routeKey: string,
  valid: boolean,
): Promise<void> {
  const retryAfterMs =
    routeKey === 'ping'
      ? consumePingBudget(deps.config, deps.now(), userId)
      : await consumeFrameBudget(deps, userId, valid ? routeKey : undefined);
  if (retryAfterMs > 0) {
    const limits = valid ? `the frame budget or the ${routeKey} limit` : 'the frame budget';
    throw new AppError('RATE_LIMITED', `Too many frames (over ${limits}); retry in ${retryAfterMs} ms`, {
      retryAfterMs,
    });
  }
}

/** Counts one answered frame by action and outcome (`ok` or the error code) with its latency, and flushes. */
export function countFrame(action: string, outcome: string, started: number): void {
  count('Frames', 1, { action, outcome });
  observe('FrameLatency', Date.now() - started, { action, outcome });
  flushMetrics();
}

/** Maps any failure to an error frame; unexpected ones are logged with a correlation id. */
export function toErrorFrame(error: unknown, ref: string | null, correlationId: string) {
  if (isAppError(error)) {
    if (error.code === 'RATE_LIMITED') count('RateLimited');
    return errorFrame(ref, error.code, error.message, rateLimitExtra(error));
  }
  reportUnexpected('Unexpected failure', correlationId, error);
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
