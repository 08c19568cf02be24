import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { httpApi } from '../../lib/manifest.ts';
import { listen } from '../listen.ts';
import { allowedOrigin, type CorsOptions, preflightHeaders } from './cors.ts';
import { toHttpEvent } from './http-event.ts';
import { gatewayError, type HttpResponse, toHttpResponse } from './http-response.ts';
import { RouteTable } from './route-table.ts';
import { readStaticFile } from './static-files.ts';
import { type ThrottleOptions, TokenBucket } from './throttle.ts';

/** A function behind a route, usually a `LocalFunction`'s invoke. */
export type HttpRouteHandler = (event: APIGatewayProxyEventV2) => Promise<unknown>;

/** Options of {@link startHttpApi}. */
export interface StartHttpApiOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Route key (`GET /rooms/{id}`, `ANY /{proxy+}`, `$default`) to the function behind it. */
  readonly routes: Readonly<Record<string, HttpRouteHandler>>;
  /** Files served for GET and HEAD when no route matches (`index.html` for `/`). */
  readonly staticDir?: string;
  /** Receives one line per request: method, path, status, duration. */
  readonly log?: (line: string) => void;
  /**
   * The stage's throttle: past it a route request is answered 429 `{"message":"Too Many
   * Requests"}` before its function runs, as API Gateway does.
   * @default no throttle
   */
  readonly throttle?: ThrottleOptions;
  /**
   * CORS, answered by the API itself as API Gateway does: preflights get the configured methods
   * and headers, responses an `access-control-allow-origin` for an allowed origin only.
   * @default the stack's, `httpApi.cors` of lib/manifest.ts
   */
  readonly cors?: CorsOptions;
}

/** A running local HTTP API. */
export interface LocalHttpApi {
  /** Base URL, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** API Gateway's payload limit for HTTP APIs. */
const maxBodyBytes = 10 * 1024 * 1024;

/**
 * Emulates an API Gateway HTTP API with Lambda proxy integrations (payload format 2.0) and the
 * stack's CORS configuration.
 *
 * @example
 * const api = await startHttpApi({ routes: { 'GET /health': (event) => health.invoke(event) } });
 * await fetch(`${api.url}/health`);
 */
export async function startHttpApi(options: StartHttpApiOptions): Promise<LocalHttpApi> {
  const host = options.host ?? '127.0.0.1';
  const routes = new RouteTable(options.routes);
  const bucket = options.throttle ? new TokenBucket(options.throttle) : undefined;
  const cors = options.cors ?? httpApi.cors;

  const server = createServer((req, res) => {
    const started = Date.now();
    respond(req, routes, options, bucket, cors)
      .catch((error: unknown) => {
        options.log?.(`http ${req.method} ${req.url} failed: ${describe(error)}`);
        return gatewayError(500, 'Internal Server Error');
      })
      .then((response) => {
        write(
          res,
          req.method === 'HEAD' ? { ...response, body: Buffer.alloc(0) } : response,
          allowedOrigin(cors, req),
        );
        options.log?.(`http ${req.method} ${req.url} ${response.status} ${Date.now() - started}ms`);
      });
  });
  const { port, origin } = await listen(server, options.port ?? 0, host);
  return {
    url: `http://${origin}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function respond(
  req: IncomingMessage,
  routes: RouteTable<HttpRouteHandler>,
  options: StartHttpApiOptions,
  bucket: TokenBucket | undefined,
  cors: CorsOptions,
): Promise<HttpResponse> {
  const method = (req.method ?? 'GET').toUpperCase();
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (method === 'OPTIONS' && !routes.hasMethod('OPTIONS', path)) return preflight(cors, req);
  const body = await readBody(req);
  if (!body) return gatewayError(413, 'Request Entity Too Large');
  const match = routes.match(method, path);
  if (!match) {
    const file =
      options.staticDir && (method === 'GET' || method === 'HEAD')
        ? await readStaticFile(options.staticDir, path)
        : undefined;
    return file ?? gatewayError(404, 'Not Found');
  }
  if (bucket && !bucket.take()) return gatewayError(429, 'Too Many Requests');
  const event = toHttpEvent({ req, body, routeKey: match.routeKey, pathParameters: match.pathParameters });
  try {
    const response = toHttpResponse(await match.target(event));
    return {
      ...response,
      headers: { 'apigw-requestid': event.requestContext.requestId, ...response.headers },
    };
  } catch (error) {
    // Only API Gateway's generic answer leaves; the cause goes to the log.
    options.log?.(`http ${match.routeKey} failed: ${describe(error)}`);
    return gatewayError(500, 'Internal Server Error');
  }
}

function preflight(cors: CorsOptions, req: IncomingMessage): HttpResponse {
  return { status: 204, headers: preflightHeaders(cors, req), cookies: [], body: Buffer.alloc(0) };
}

// API Gateway's CORS headers replace any the function set.
function write(res: ServerResponse, response: HttpResponse, origin: string | undefined): void {
  const headers: Record<string, string | string[]> = {
    ...response.headers,
    'content-length': String(response.body.length),
  };
  if (origin !== undefined) headers['access-control-allow-origin'] = origin;
  if (response.cookies.length > 0) headers['set-cookie'] = [...response.cookies];
  res.writeHead(response.status, headers);
  res.end(response.body);
}

/** The request body, or `undefined` once it passes API Gateway's limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Drains an oversized body rather than cutting the socket, so the 413 still reaches the client.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= maxBodyBytes) chunks.push(chunk as Buffer);
  }
  return size > maxBodyBytes ? undefined : Buffer.concat(chunks);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
