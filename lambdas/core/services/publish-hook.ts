import { InvokeCommand } from '@aws-sdk/client-lambda';
import { dataDepth } from '../../../protocol/data-depth.ts';
import { dataBytes, maxDataDepth } from '../../../protocol/limits.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { defaultLambdaClient } from '../lambda-client.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';

/** What the publish hook is called with (docs/integration.md, "The publish hook"). */
export interface HookRequest {
  readonly action: 'send' | 'publish' | 'edit';
  readonly from: string;
  readonly to?: string;
  readonly room?: string;
  readonly data: unknown;
  /** Ids of the uploads the message attaches. */
  readonly files?: readonly string[];
}

/** The longest `reason` a hook may give; a longer one is a malformed answer. */
export const maxHookReasonLength = 500;

/** The hook failed: it threw, timed out, or answered something that is not a verdict. */
export class PublishHookError extends Error {
  override readonly name = 'PublishHookError';
}

export type HookDeps = Pick<Deps, 'config' | 'lambda'>;

/**
 * Asks the publish hook (`PUBLISH_HOOK_FUNCTION`) about a message before it is stored and
 * resolves with the `data` to store: the hook's replacement, or `request.data`. Without a hook
 * it resolves with `request.data` at once. A refusal throws `REJECTED` with the hook's reason as
 * the message. A hook that fails, answers past `PUBLISH_HOOK_TIMEOUT_MS` (the invoke is aborted)
 * or answers something malformed throws a {@link PublishHookError} (answered `INTERNAL`), unless
 * `PUBLISH_HOOK_FAILURE=open`, which logs it and lets the message through unchanged.
 */
export async function askPublishHook(deps: HookDeps, request: HookRequest): Promise<unknown> {
  const functionName = deps.config.PUBLISH_HOOK_FUNCTION;
  if (!functionName) return request.data;
  let answer: unknown;
  try {
    answer = await invokeHook(deps, functionName, request);
  } catch (error) {
    return failed(deps, request, error);
  }
  if (isObject(answer) && answer.allow === false) {
    const reason = answer.reason;
    if (typeof reason === 'string' && reason.trim().length > 0 && reason.length <= maxHookReasonLength)
      throw new AppError('REJECTED', reason);
  }
  try {
    return allowedData(deps, answer, request.data);
  } catch (error) {
    return failed(deps, request, error);
  }
}

async function invokeHook(deps: HookDeps, functionName: string, request: HookRequest): Promise<unknown> {
  const timeoutMs = deps.config.PUBLISH_HOOK_TIMEOUT_MS;
  const lambda = deps.lambda ?? defaultLambdaClient(deps.config);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const output = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
      { abortSignal: abort.signal },
    );
    const text = new TextDecoder().decode(output.Payload ?? new Uint8Array());
    // A hook that threw: Lambda answers 200 with the error as the payload.
    if (output.FunctionError)
      throw new PublishHookError(`the hook failed (${output.FunctionError}): ${text.slice(0, 300)}`);
    try {
      return JSON.parse(text);
    } catch {
      throw new PublishHookError('the hook answered something that is not JSON');
    }
  } catch (error) {
    if (abort.signal.aborted) throw new PublishHookError(`the hook did not answer within ${timeoutMs} ms`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** `{ allow: true, data? }`: the data to store, a replacement held to the limits of a frame's `data`. */
function allowedData(deps: HookDeps, answer: unknown, data: unknown): unknown {
  if (!isObject(answer) || answer.allow !== true)
    throw new PublishHookError(
      'the hook answered neither { allow: true, data? } nor { allow: false, reason } (a reason of 1 to 500 characters)',
    );
  if (!Object.hasOwn(answer, 'data') || answer.data === undefined) return data;
  const replaced = answer.data;
  if (dataDepth(replaced) > maxDataDepth)
    throw new PublishHookError(`the hook replaced data with a value nested more than ${maxDataDepth} deep`);
  const limit = deps.config.MAX_DATA_BYTES;
  if (dataBytes(replaced) > limit)
    throw new PublishHookError(`the hook replaced data with more than MAX_DATA_BYTES (${limit} bytes)`);
  return replaced;
}

function failed(deps: HookDeps, request: HookRequest, error: unknown): unknown {
  const failure =
    error instanceof PublishHookError ? error : new PublishHookError(`the hook failed: ${describe(error)}`);
  if (deps.config.PUBLISH_HOOK_FAILURE === 'closed') throw failure;
  // Closed, the route logs and counts the INTERNAL it answers; open, nothing else would.
  count('InternalErrors');
  logger.warn('Publish hook failed; the message goes through unchanged (PUBLISH_HOOK_FAILURE=open)', {
    action: request.action,
    reason: failure.message,
  });
  return request.data;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
