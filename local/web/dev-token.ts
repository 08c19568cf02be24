import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpErrorBody } from '../../protocol/http-responses.ts';
import { userIdPattern, userIdRule } from '../../protocol/limits.ts';
import { signToken } from '../../tools/sign-token.ts';
import type { HttpRouteHandler } from '../http-api/index.ts';

/** Options of {@link devTokenRoute}. */
export interface DevTokenOptions {
  /** The HS256 secret the runtime's authorizer checks. */
  readonly secret: string;
  /** Lifetime of a token in seconds. @default 3600 */
  readonly expiresInSeconds?: number;
}

/**
 * `POST /dev/token {"user":"alice"}` → `{ "token", "user", "expiresAt" }`: a development JWT for
 * any user, so the chat page can sign in with just a name. Served by the local runtime only and
 * absent from the manifest, so it never deploys: anyone who can reach it can be anyone. It grants
 * no roles, so it never makes an admin.
 */
export function devTokenRoute(options: DevTokenOptions): HttpRouteHandler {
  const lifetime = options.expiresInSeconds ?? 3600;
  return async (event) => {
    const user = userOf(event);
    if (user === undefined) {
      // The authorizer refuses a `sub` outside the user id alphabet: say so here instead.
      const body: HttpErrorBody = {
        error: { code: 'BAD_REQUEST', message: `user must be ${userIdRule}` },
      };
      return json(400, body);
    }
    const token = await signToken(user, { secret: options.secret, expiresInSeconds: lifetime });
    return json(201, { token, user, expiresAt: Date.now() + lifetime * 1000 });
  };
}

function userOf(event: APIGatewayProxyEventV2): string | undefined {
  if (!event.body) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body);
  } catch {
    return undefined;
  }
  const user = typeof body === 'object' && body !== null ? (body as { user?: unknown }).user : undefined;
  if (typeof user !== 'string') return undefined;
  const trimmed = user.trim();
  return userIdPattern.test(trimmed) ? trimmed : undefined;
}

function json(statusCode: number, body: unknown) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
