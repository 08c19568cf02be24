import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An S3 endpoint in front of another that fails the requests a rule picks. */
export interface S3FaultProxy {
  readonly endpoint: string;
  /** Where requests go; set once the real endpoint is known (the runtime starts it). */
  target: string;
  /** Requests answered with the injected error so far. */
  injected(): number;
  close(): Promise<void>;
}

/** Hooks that let a test force the order of requests racing each other. */
export interface S3ProxyHooks {
  /** Awaited before a request is forwarded: a request is held while the promise is pending. */
  before?(method: string, path: string): Promise<void> | undefined;
  /** Called once the answer to a forwarded request has been passed on in full. */
  after?(method: string, path: string): void;
}

/**
 * Forwards every S3 REST request to `target`, except those for which `fails(method, path)`
 * returns true: they get a 500 `InternalError`, the answer of an S3 having a bad moment (the SDK
 * retries it, then the caller sees it). `path` is the path-style `/{bucket}/{key}`; a
 * CopyObject is a `PUT` of its destination. `hooks` hold requests and report answers.
 *
 * @example
 * const proxy = await startS3FaultProxy((method, path) => method === 'DELETE' && path.endsWith(id));
 * const rt = await startTestRuntime({ functionEnv: { AWS_ENDPOINT_URL_S3: proxy.endpoint } });
 * proxy.target = rt.endpoints.s3;
 */
export async function startS3FaultProxy(
  fails: (method: string, path: string) => boolean,
  hooks: S3ProxyHooks = {},
): Promise<S3FaultProxy> {
  let injected = 0;
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://proxy').pathname);
    if (fails(req.method ?? '', path)) {
      injected += 1;
      req.resume();
      res.writeHead(500, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected fault</Message></Error>',
      );
      return;
    }
    // The body waits, unread, while the request is held.
    await hooks.before?.(req.method ?? '', path);
    const upstream = new URL(proxy.target);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        res.on('finish', () => hooks.after?.(req.method ?? '', path));
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: S3FaultProxy = {
    endpoint: `http://127.0.0.1:${port}`,
    target: '',
    injected: () => injected,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
