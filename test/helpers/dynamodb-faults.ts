import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A DynamoDB endpoint in front of another that fails the calls a rule picks. */
export interface DynamoDbFaultProxy {
  readonly endpoint: string;
  /** Calls answered with the injected error so far. */
  injected(): number;
  close(): Promise<void>;
}

/**
 * Forwards every DynamoDB call to `target`, except those for which `fails(operation, body)`
 * returns true: they get a 500 `InternalServerError`, the answer of a DynamoDB having a bad
 * moment (the SDK retries it, then the caller sees it). `operation` is the call's name
 * (`PutItem`, `Query`, …), `body` its JSON request.
 *
 * @example
 * const proxy = await startDynamoDbFaultProxy(db.endpoint, (op, body) => op === 'PutItem' && body.includes('flaky'));
 * const rt = await startTestRuntime({ external: { dynamodb: proxy.endpoint } });
 */
export async function startDynamoDbFaultProxy(
  target: string,
  fails: (operation: string, body: string) => boolean,
): Promise<DynamoDbFaultProxy> {
  const upstream = new URL(target);
  let injected = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .at(-1) ?? '';
      if (fails(operation, body.toString('utf8'))) {
        injected += 1;
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazon.coral.service#InternalServerError',
            message: 'injected fault',
          }),
        );
        return;
      }
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
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    injected: () => injected,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
