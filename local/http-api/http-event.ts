import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Bodies of these types reach the function as text; any other type arrives base64-encoded. */
const textTypes = [
  /^text\//,
  /^application\/(json|javascript|xml|x-www-form-urlencoded)\b/,
  /^application\/[\w.+-]+\+(json|xml)\b/,
];

export interface HttpEventInput {
  readonly req: IncomingMessage;
  readonly body: Buffer;
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
}

/** Builds the Lambda proxy integration event of payload format 2.0 for one request. */
export function toHttpEvent({ req, body, routeKey, pathParameters }: HttpEventInput): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const now = new Date();
  const headers = addEdgeHeaders(joinHeaders(req.rawHeaders), sourceIp, now);
  const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
  // Format 2.0 moves cookies out of the headers into their own field.
  delete headers.cookie;
  const query = joinQuery(url.searchParams);
  const host = headers.host ?? 'localhost';
  const isText = textTypes.some((type) => type.test(headers['content-type'] ?? ''));
  const hasBody = body.length > 0;
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey,
    rawPath: decodePath(url.pathname),
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split(/[.:]/)[0] ?? host,
      http: {
        method,
        path: decodePath(url.pathname),
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomBytes(10).toString('base64'),
      routeKey,
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: body.toString(isText ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: hasBody && !isText,
  };
}

// AWS hands the function the decoded path (hono#2156 and live captures); a malformed escape
// stays as sent rather than failing the request.
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

// API Gateway drops the hop-by-hop `connection` header and adds its edge's forwarding headers:
// the client's `x-forwarded-for` chain with the peer appended, the port and scheme the API
// answers on, and a trace id (the client's, or a new root).
function addEdgeHeaders(
  headers: Record<string, string>,
  sourceIp: string,
  now: Date,
): Record<string, string> {
  const { connection: _hopByHop, ...kept } = headers;
  const forwarded = kept['x-forwarded-for'];
  kept['x-forwarded-for'] = forwarded ? `${forwarded}, ${sourceIp}` : sourceIp;
  kept['x-forwarded-port'] = /:(\d+)$/.exec(kept.host ?? '')?.[1] ?? '443';
  kept['x-forwarded-proto'] = 'https';
  if (!kept['x-amzn-trace-id']) {
    const seconds = Math.floor(now.getTime() / 1000)
      .toString(16)
      .padStart(8, '0');
    kept['x-amzn-trace-id'] = `Root=1-${seconds}-${randomBytes(12).toString('hex')}`;
  }
  return kept;
}

/** Lower-cased names; repeated headers joined with commas, as format 2.0 does. */
function joinHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    // Repeated Cookie headers join with '; ' so they still split into single cookies.
    const separator = name === 'cookie' ? '; ' : ',';
    headers[name] = headers[name] === undefined ? value : `${headers[name]}${separator}${value}`;
  }
  return headers;
}

function joinQuery(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of params) {
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  return query;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time`, e.g. `12/Mar/2020:19:03:58 +0000`. */
function formatRequestTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
