import { actions } from '../../lib/manifest.ts';
import type { ErrorCode } from '../../protocol/errors.ts';
import { errorFrame } from '../../protocol/server-frames.ts';
import { getDeps } from '../core/clients.ts';
import { callerOf, type WebSocketEvent, type WebSocketResult } from '../core/ws-event.ts';
import { countFrame, enforceFrameBudget, parseJson, refOf, toErrorFrame } from '../core/ws-route.ts';

/**
 * `$default`: frames no route took, which are frames that are not JSON or name no known action.
 * Each counts against the user's frame budget (its only write); past the budget it is answered
 * RATE_LIMITED instead.
 */
export const handler = async (event: WebSocketEvent): Promise<WebSocketResult> => {
  const started = Date.now();
  const frame = parseJson(event.body);
  const ref = refOf(frame);
  const reply = (body: { code: ErrorCode }) => {
    countFrame('$default', body.code, started);
    return { statusCode: 200, body: JSON.stringify(body) };
  };
  try {
    await enforceFrameBudget(getDeps(), callerOf(event).userId, '$default', false);
  } catch (error) {
    return reply(toErrorFrame(error, ref, event.requestContext.requestId));
  }
  const refuse = (code: ErrorCode, message: string) => reply(errorFrame(ref, code, message));
  if (frame === undefined) return refuse('BAD_REQUEST', 'Frame is not JSON');
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return refuse('BAD_REQUEST', 'Frame must be a JSON object');
  }
  const { action } = frame as { action?: unknown };
  if (action === undefined) return refuse('BAD_REQUEST', 'Frame has no action');
  return refuse('UNKNOWN_ACTION', `Unknown action ${shown(action)}; expected one of ${actions.join(', ')}`);
};

/** A scalar as JSON, cut to 64 characters; an object or array by its kind, never serialized (it may nest without bound). */
function shown(action: unknown): string {
  if (typeof action === 'object' && action !== null)
    return Array.isArray(action) ? '(an array)' : '(an object)';
  const text = JSON.stringify(action) ?? String(action);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
