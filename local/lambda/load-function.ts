import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../../lib/manifest.ts';
import { traceInvocation } from './invocation-trace.ts';
import { createContext, newLogStreamName } from './lambda-context.ts';

/** A handler loaded in-process, invoked the way Lambda invokes it. */
export interface LocalFunction {
  readonly name: string;
  /** Resolves with the handler's result; rejects with its error or a {@link FunctionTimeoutError}. */
  invoke(event: unknown): Promise<unknown>;
}

/** Options of {@link loadFunction}. */
export interface LoadFunctionOptions {
  /** Directory `spec.entry` is relative to. @default process.cwd() */
  readonly rootDir?: string;
  /** Receives one line per invoke: function, request id, duration, outcome. */
  readonly log?: (line: string) => void;
  /** Overrides `spec.timeoutSeconds` (tests shorten it). */
  readonly timeoutSeconds?: number;
}

/** The invoke ran past the function's timeout; the message is Lambda's own. */
export class FunctionTimeoutError extends Error {
  override readonly name = 'FunctionTimeoutError';
  /** Lambda's errorType for a timed-out invoke. */
  readonly code = 'Sandbox.Timedout';

  constructor(readonly timeoutSeconds: number) {
    super(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
  }
}

type Handler = (
  event: unknown,
  context: Context,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

/**
 * Imports a manifest function's entry (TypeScript source: the runtime runs under tsx, tests under
 * vitest) and returns an invoker with Lambda's context and timeout. A timed-out handler keeps
 * running in the background, since nothing can stop it in-process; only its result is dropped.
 *
 * Environment variables are process-wide here, unlike Lambda's per-function sandbox: the
 * runtime sets them once for all functions.
 *
 * @example
 * const send = await loadFunction('send', functions.send, { rootDir });
 * const reply = await send.invoke(event);
 */
export async function loadFunction(
  name: string,
  spec: FunctionSpec,
  options: LoadFunctionOptions = {},
): Promise<LocalFunction> {
  const file = path.resolve(options.rootDir ?? process.cwd(), spec.entry);
  const module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') {
    throw new Error(`${spec.entry} does not export a handler function`);
  }
  const handler = module.handler as Handler;
  const functionName = `wavelet-local-${name}`;
  const timeoutSeconds = options.timeoutSeconds ?? spec.timeoutSeconds ?? 10;
  const logStreamName = newLogStreamName();

  return {
    name,
    invoke: async (event) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      let requestId = '';
      try {
        const result = await traceInvocation(name, (finish) =>
          new Promise<unknown>((resolve, reject) => {
            timer = setTimeout(() => reject(new FunctionTimeoutError(timeoutSeconds)), timeoutSeconds * 1000);
            const context = createContext({
              functionName,
              memoryMb: spec.memoryMb ?? 256,
              timeoutMs: timeoutSeconds * 1000,
              outcome: { resolve, reject },
              logStreamName,
            });
            requestId = context.awsRequestId;
            const callback = (error?: unknown, value?: unknown): void =>
              error ? reject(error) : resolve(value);
            try {
              const returned = handler(event, context, callback);
              // A promise settles the invoke; a callback-style handler (three parameters, no
              // promise) settles it through the callback, as the Node.js runtime does.
              if (isPromiseLike(returned)) returned.then(resolve, reject);
              else if (handler.length < 3) resolve(returned);
            } catch (error) {
              reject(error);
            }
          }).finally(finish),
        );
        options.log?.(`λ ${name} ${requestId} ${Date.now() - started}ms ok`);
        return result;
      } catch (error) {
        const outcome = error instanceof FunctionTimeoutError ? 'timeout' : `error ${describe(error)}`;
        options.log?.(`λ ${name} ${requestId} ${Date.now() - started}ms ${outcome}`);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
