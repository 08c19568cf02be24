import type { GatewayConnection } from './connection-registry.ts';
import { type ApiInfo, authorizerEvent } from './events.ts';
import type { HandshakeRequest } from './handshake-request.ts';
import type { Invoker } from './invoker.ts';
import type { GatewayAuthorizer } from './options.ts';
import { evaluatePolicy } from './policy.ts';

/** How the authorizer decided: admit with the connection's `requestContext.authorizer`, or fail. */
export type AuthorizerDecision =
  | { readonly allowed: true; readonly context: Record<string, unknown> }
  | { readonly allowed: false; readonly status: 401 | 403 | 500; readonly message: string };

/** Context for {@link authorizeHandshake}. */
export interface AuthorizeOptions {
  readonly api: ApiInfo;
  readonly region: string;
  readonly authorizer: GatewayAuthorizer;
  readonly invoker: Invoker;
}

/**
 * Runs the REQUEST authorizer for one handshake. API Gateway does not cache its results for
 * WebSocket APIs, so it runs on every `$connect`.
 */
export async function authorizeHandshake(
  options: AuthorizeOptions,
  connection: GatewayConnection,
  request: HandshakeRequest,
  requestId: string,
): Promise<AuthorizerDecision> {
  const { api, authorizer } = options;
  const account = authorizer.accountId ?? '123456789012';
  const methodArn = `arn:aws:execute-api:${options.region}:${account}:${api.apiId}/${api.stage}/$connect`;
  const started = Date.now();
  const event = authorizerEvent(api, connection, request, methodArn, requestId, started);
  const outcome = await options.invoker.invoke(authorizer.invoke, event);
  if (outcome.kind === 'threw' && errorMessageOf(outcome.error) === 'Unauthorized')
    return { allowed: false, status: 401, message: 'Unauthorized' };
  if (outcome.kind !== 'returned') return internalError;

  const result = outcome.value as {
    principalId?: unknown;
    policyDocument?: unknown;
    context?: unknown;
  } | null;
  if (!result || typeof result !== 'object') return internalError;
  const verdict = evaluatePolicy(result.policyDocument, methodArn);
  if (verdict === undefined) return internalError;
  if (verdict === 'deny')
    return {
      allowed: false,
      status: 403,
      message: 'User is not authorized to access this resource with an explicit deny',
    };
  const context = contextEntries(result.context, authorizer.contextValues ?? 'stringified');
  if (!context) return internalError;
  return {
    allowed: true,
    context: { ...context, principalId: result.principalId, integrationLatency: Date.now() - started },
  };
}

const internalError: AuthorizerDecision = { allowed: false, status: 500, message: 'Internal server error' };

// API Gateway accepts only primitives in an authorizer context; an object or array is an
// authorizer configuration error (500). Whether later events see the values as strings is
// *uncertain*: by default they do, `null` included (as "null"), and 'typed' keeps them as returned.
function contextEntries(
  context: unknown,
  values: 'stringified' | 'typed',
): Record<string, string | number | boolean | null> | undefined {
  if (context === undefined || context === null) return {};
  if (typeof context !== 'object' || Array.isArray(context)) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    if (value !== null && typeof value === 'object') return undefined;
    out[key] = values === 'typed' ? (value as string | number | boolean | null) : String(value);
  }
  return out;
}

function errorMessageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'errorMessage' in error) return String(error.errorMessage);
  return String(error);
}
