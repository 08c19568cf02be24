import type { IncomingMessage } from 'node:http';

/** An HTTP API's CORS configuration, as the stack declares it (`httpApi.cors` of the manifest). */
export interface CorsOptions {
  /** Origins allowed, or `*`. */
  readonly allowOrigins: readonly string[];
  /** Methods allowed, or `*`. */
  readonly allowMethods: readonly string[];
  /** Request headers allowed, lower-case. */
  readonly allowHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

/**
 * The `access-control-allow-origin` API Gateway adds for a request's `Origin`: `*` when any
 * origin is allowed, the origin itself when it is listed, nothing otherwise (the browser then
 * refuses the response).
 */
export function allowedOrigin(cors: CorsOptions, req: IncomingMessage): string | undefined {
  if (cors.allowOrigins.includes('*')) return '*';
  const origin = req.headers.origin;
  return origin !== undefined && cors.allowOrigins.includes(origin) ? origin : undefined;
}

/**
 * API Gateway's own answer to a preflight: 204, with the configured methods and headers when
 * the origin is allowed, and no CORS headers otherwise. The configured list is sent, never the
 * requested one, so a browser refuses a header the deployed API does not allow.
 */
export function preflightHeaders(cors: CorsOptions, req: IncomingMessage): Record<string, string> {
  const origin = allowedOrigin(cors, req);
  if (origin === undefined) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': cors.allowMethods.join(','),
    'access-control-allow-headers': cors.allowHeaders.join(','),
    'access-control-max-age': String(cors.maxAgeSeconds),
  };
}
