import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../listen.ts';

/** Options of {@link startLambdaApi}. */
export interface StartLambdaApiOptions {
  /** The functions it serves, by name; each resolves with the handler's result or rejects with its error. */
  readonly functions: Readonly<Record<string, (event: unknown) => Promise<unknown>>>;
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** One line per call. @default silent */
  readonly log?: (line: string) => void;
}

/** A running local Lambda endpoint. */
export interface LocalLambdaApi {
  /** Base URL for `AWS_ENDPOINT_URL_LAMBDA` or a client's `endpoint`. */
  readonly endpoint: string;
  /** Invokes so far, by function name. */
  stats(): Record<string, number>;
  close(): Promise<void>;
}

/** Lambda's limit on a synchronous invoke's payload, both ways: 6 MB. */
export const maxPayloadBytes = 6 * 1024 * 1024;

const invokePath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * Starts an endpoint that speaks the Lambda REST protocol of `Invoke`
 * (`POST /2015-03-31/functions/{FunctionName}/invocations`), so that production code calling a
 * function through the SDK's `InvokeCommand` runs unchanged against a handler loaded in-process.
 * `FunctionName` may be the name, the ARN or `account:function:name`; a qualifier is ignored.
 * `RequestResponse` (the default) answers the handler's result as JSON, or 200 with
 * `X-Amz-Function-Error: Unhandled` and `{ errorType, errorMessage }` when it throws, as Lambda
 * does; `Event` answers 202 and runs it in the background; `DryRun` answers 204. An unknown
 * function is 404 `ResourceNotFoundException`, a payload that is not JSON 400
 * `InvalidRequestContentException`. Signatures are not checked; other operations answer 404.
 *
 * @example
 * const lambda = await startLambdaApi({ functions: { hook: (event) => hook.invoke(event) } });
 * new LambdaClient({ endpoint: lambda.endpoint, region: 'us-east-1', credentials });
 */
export async function startLambdaApi(options: StartLambdaApiOptions): Promise<LocalLambdaApi> {
  const counts: Record<string, number> = {};
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      options.log?.(`lambda error ${(e as Error).message}`);
      if (!res.headersSent && !res.destroyed)
        send(res, 500, { Type: 'Service', message: 'Internal error' }, 'ServiceException');
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const match = invokePath.exec(new URL(req.url ?? '/', 'http://local').pathname);
    if (req.method !== 'POST' || !match) {
      return send(
        res,
        404,
        { Type: 'User', message: `Unsupported operation ${req.method} ${req.url}` },
        'UnknownOperationException',
      );
    }
    const raw = await readBody(req);
    if (raw === undefined)
      return send(
        res,
        413,
        { Type: 'User', message: 'Request must be smaller than 6 MB' },
        'RequestTooLargeException',
      );
    const name = functionNameOf(decodeURIComponent(match[1] ?? ''));
    const fn = Object.hasOwn(options.functions, name) ? options.functions[name] : undefined;
    if (!fn)
      return send(
        res,
        404,
        { Type: 'User', message: `Function not found: ${name}` },
        'ResourceNotFoundException',
      );
    let event: unknown;
    try {
      event = raw === '' ? {} : JSON.parse(raw);
    } catch {
      return send(
        res,
        400,
        { Type: 'User', message: 'Could not parse request body into json' },
        'InvalidRequestContentException',
      );
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') return send(res, 204, undefined);
    counts[name] = (counts[name] ?? 0) + 1;
    if (type === 'Event') {
      fn(event).catch((e: unknown) => options.log?.(`lambda ${name} (Event) ${describe(e)}`));
      return send(res, 202, undefined);
    }
    const started = Date.now();
    try {
      const result = await fn(event);
      options.log?.(`lambda Invoke ${name} ${Date.now() - started}ms ok`);
      send(res, 200, result === undefined ? null : result);
    } catch (error) {
      options.log?.(`lambda Invoke ${name} ${Date.now() - started}ms ${describe(error)}`);
      const e = error instanceof Error ? error : new Error(String(error));
      send(res, 200, { errorType: e.name, errorMessage: e.message }, undefined, {
        'x-amz-function-error': 'Unhandled',
      });
    }
  };

  const { origin } = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    endpoint: `http://${origin}`,
    stats: () => ({ ...counts }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `name`, `arn:aws:lambda:{region}:{account}:function:name[:qualifier]` or `account:function:name` → `name`. */
function functionNameOf(value: string): string {
  const at = value.indexOf(':function:');
  if (at < 0) return value.split(':')[0] ?? value;
  return value.slice(at + ':function:'.length).split(':')[0] ?? '';
}

function send(
  res: ServerResponse,
  status: number,
  payload: unknown,
  errorType?: string,
  headers: Record<string, string> = {},
): void {
  // The caller gave up (its timeout aborted the request): nothing is listening.
  if (res.destroyed) return;
  const body = payload === undefined ? '' : JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amz-executed-version': '$LATEST',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    ...headers,
  });
  res.end(body);
}

/** The body as text, or undefined past the 6 MB payload limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxPayloadBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  return error instanceof Error ? `error ${error.name}: ${error.message}` : `error ${String(error)}`;
}
