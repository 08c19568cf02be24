import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { describeIssues } from '../../protocol/issues.ts';
import type { Identity } from './auth/jwt.ts';
import type { Deps } from './deps.ts';
import { badRequest } from './errors.ts';
import { authorizationOf } from './http-route.ts';
import { requireAdmin } from './services/access-policy.ts';
import { authenticateBearer } from './services/auth.ts';

/**
 * Input of HTTP API routes (payload format 2.0). Every route authenticates first, so a caller
 * without credentials learns nothing about the request's validity (401 before 400).
 */
export const callerOf = (deps: Deps, event: APIGatewayProxyEventV2): Promise<Identity> =>
  authenticateBearer(deps, authorizationOf(event));

/** The caller, who must hold the `admin` role (FORBIDDEN otherwise). */
export async function adminOf(deps: Deps, event: APIGatewayProxyEventV2): Promise<Identity> {
  const identity = await callerOf(deps, event);
  requireAdmin(identity);
  return identity;
}

/** The JSON body, validated; BAD_REQUEST names the problem (missing, not JSON, schema). */
export const bodyOf = <S extends z.ZodMiniType>(event: APIGatewayProxyEventV2, schema: S): z.output<S> =>
  validate(schema, jsonBodyOf(event));

/** The JSON body, parsed but not validated (for services that validate their own input). */
export function jsonBodyOf(event: APIGatewayProxyEventV2): unknown {
  // Bodies with a non-text content type arrive base64-encoded.
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
  if (!text?.trim()) throw badRequest('A JSON body is required');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('Body is not JSON');
  }
}

/** Path parameters (`{id}`, `{userId}`), validated: they end up in table keys. */
export const pathOf = <S extends z.ZodMiniType>(event: APIGatewayProxyEventV2, schema: S): z.output<S> =>
  validate(schema, event.pathParameters ?? {});

/** Query string parameters, validated (they arrive as text: schemas coerce numbers). */
export const queryOf = <S extends z.ZodMiniType>(event: APIGatewayProxyEventV2, schema: S): z.output<S> =>
  validate(schema, event.queryStringParameters ?? {});

function validate<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error));
  return parsed.data as z.output<S>;
}
