/** A response ready to write. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

/** Thrown when a result cannot be mapped, which API Gateway answers with a 500. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}

/**
 * Maps a function result as API Gateway does for payload format 2.0: an object with
 * `statusCode` is a response (`headers`, `cookies`, `body`, `isBase64Encoded`); anything else is
 * a 200 whose JSON body is the result itself.
 */
export function toHttpResponse(result: unknown): HttpResponse {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from(JSON.stringify(result ?? null)),
    };
  }
  const response = result as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    cookies?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const status = Number(response.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new MalformedResponseError(`statusCode ${String(response.statusCode)} is not an HTTP status`);
  }
  // API Gateway rejects a non-string body rather than serializing it; so does this emulator,
  // so the mistake shows up locally instead of after deploy.
  if (response.body !== undefined && response.body !== null && typeof response.body !== 'string') {
    throw new MalformedResponseError('body must be a string');
  }
  const body = response.body ?? '';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  return {
    status,
    headers,
    cookies: Array.isArray(response.cookies) ? response.cookies.map(String) : [],
    body: Buffer.from(body, response.isBase64Encoded === true ? 'base64' : 'utf8'),
  };
}

/** API Gateway's own error answers: `{"message": "..."}` with a JSON content type. */
export function gatewayError(status: number, message: string): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message })),
  };
}
