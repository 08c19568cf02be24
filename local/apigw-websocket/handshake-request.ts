import type { IncomingMessage } from 'node:http';

/** What API Gateway takes from the handshake request to build events. */
export interface HandshakeRequest {
  /** Every header as sent, original case; a repeated header keeps its last value. */
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
  /** Present only when the URL has a query string. */
  readonly query?: {
    readonly single: Record<string, string>;
    readonly multi: Record<string, string[]>;
  };
  readonly sourceIp: string;
  readonly userAgent?: string;
  /** The subprotocols the client offered (`Sec-WebSocket-Protocol`). */
  readonly protocols: string[];
}

/** Reads headers (original case from `rawHeaders`), query string and identity. */
export function readHandshakeRequest(req: IncomingMessage): HandshakeRequest {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    headers[name] = value;
    appendValue(multiValueHeaders, name, value);
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const search = q === -1 ? '' : url.slice(q + 1);
  const protocolHeader = req.headers['sec-websocket-protocol'];
  return {
    headers,
    multiValueHeaders,
    query: search ? parseQuery(search) : undefined,
    sourceIp: normalizeIp(req.socket.remoteAddress ?? ''),
    userAgent: req.headers['user-agent'],
    protocols: protocolHeader
      ? protocolHeader
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
      : [],
  };
}

function parseQuery(search: string): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    single[name] = value;
    appendValue(multi, name, value);
  }
  return { single, multi };
}

// Node reports IPv4 peers on a dual-stack socket as `::ffff:1.2.3.4`; AWS shows the IPv4 form.
function normalizeIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** The headers without the given names (compared case-insensitively). */
export function omitHeaders<T>(
  headers: Record<string, T>,
  lowerCaseNames: readonly string[],
): Record<string, T> {
  const kept: Record<string, T> = {};
  for (const [name, value] of Object.entries(headers))
    if (!lowerCaseNames.includes(name.toLowerCase())) kept[name] = value;
  return kept;
}

/** A header value by case-insensitive name. */
export function headerValue(headers: Record<string, unknown> | undefined, lowerCaseName: string): unknown {
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === lowerCaseName) return value;
  return undefined;
}

/**
 * Whether each identity source (`route.request.header.X`, `route.request.querystring.x`) is
 * present and non-empty. Other kinds (stage variables, context) are always considered present.
 */
export function hasIdentitySources(request: HandshakeRequest, sources: readonly string[]): boolean {
  for (const source of sources) {
    const match = /^(?:route\.request|\$request)\.(header|querystring)\.(.+)$/i.exec(source);
    if (!match) continue;
    const [, kind, name] = match;
    const value =
      kind!.toLowerCase() === 'header'
        ? headerValue(request.headers, name!.toLowerCase())
        : request.query?.single[name!];
    if (typeof value !== 'string' || value === '') return false;
  }
  return true;
}

function appendValue(multi: Record<string, string[]>, name: string, value: string): void {
  const values = multi[name];
  if (values) values.push(value);
  else multi[name] = [value];
}
