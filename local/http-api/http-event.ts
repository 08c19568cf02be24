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
  const headers = joinHeaders(req.rawHeaders);
  const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
  // Format 2.0 moves cookies out of the headers into their own field.
  delete headers.cookie;
  const query = joinQuery(url.searchParams);
  const host = headers.host ?? 'localhost';
  const now = new Date();
  const isText = textTypes.some((type) => type.test(headers['content-type'] ?? ''));
  const hasBody = body.length > 0;
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
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
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
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
