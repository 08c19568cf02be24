import { existsSync } from 'node:fs';
import path from 'node:path';
import { localDefaults } from './defaults.ts';
import type { LocalRuntimeOptions } from './runtime.ts';

/** A variable `npm start` reads holds a value it cannot use; the message names it. */
export class StartOptionError extends Error {
  override readonly name = 'StartOptionError';
}

/** The environment variable behind each port option of the runtime, for messages. */
export const portVariables = { wsPort: 'WS_PORT', httpPort: 'HTTP_PORT' } as const;

/** What `npm start` passes to the runtime, and the heap growth it sets for its own process. */
export interface StartOptions extends LocalRuntimeOptions {
  readonly heapGrowingPercent: number;
}

/**
 * Reads `npm start`'s configuration from the environment: WS_PORT (8080), HTTP_PORT (8081),
 * STAGE (local), JWT_SECRET (a printed development secret), DATA_DIR (keep DynamoDB data in a
 * folder; in memory by default), IDLE_TIMEOUT_MS (600000), HEAP_GROWING_PERCENT (20, see
 * localDefaults; 0 leaves V8's own heap growth), QUIET=1 (no request log), and for LocalStack
 * AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS with USE_EXTERNAL_AWS_ENDPOINTS=1, PUBLISH_HOOK (a
 * handler file, relative to the working directory, run as the publish hook). Throws a
 * {@link StartOptionError} for a number it cannot use.
 */
export function readStartOptions(env: Readonly<Record<string, string | undefined>>): StartOptions {
  const external = env.USE_EXTERNAL_AWS_ENDPOINTS === '1';
  const idleTimeoutMs = wholeNumber(env, 'IDLE_TIMEOUT_MS', { min: 1 });
  return {
    wsPort: wholeNumber(env, portVariables.wsPort, { min: 0, max: 65_535 }) ?? localDefaults.wsPort,
    httpPort: wholeNumber(env, portVariables.httpPort, { min: 0, max: 65_535 }) ?? localDefaults.httpPort,
    stage: env.STAGE ?? localDefaults.stage,
    jwtSecret: env.JWT_SECRET ?? localDefaults.jwtSecret,
    dataDir: env.DATA_DIR,
    publishHook: handlerFile(env, 'PUBLISH_HOOK'),
    heapGrowingPercent:
      wholeNumber(env, 'HEAP_GROWING_PERCENT', { min: 0 }) ?? localDefaults.heapGrowingPercent,
    limits: idleTimeoutMs === undefined ? undefined : { idleTimeoutMs },
    external: external
      ? { dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB, sqs: env.AWS_ENDPOINT_URL_SQS }
      : undefined,
  };
}

/** The variable as an absolute path to an existing file; undefined when it is not set (or empty). */
function handlerFile(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const file = path.resolve(text);
  if (!existsSync(file)) throw new StartOptionError(`${name} must name a handler file; there is no ${file}`);
  return file;
}

/** The variable as a whole number in range; undefined when it is not set (or empty). */
function wholeNumber(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  range: { readonly min: number; readonly max?: number },
): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < range.min || (range.max !== undefined && value > range.max)) {
    const expected =
      range.max === undefined
        ? `a whole number, ${range.min} or more`
        : `a whole number from ${range.min} to ${range.max}`;
    throw new StartOptionError(`${name} must be ${expected}; got "${text}"`);
  }
  return value;
}
