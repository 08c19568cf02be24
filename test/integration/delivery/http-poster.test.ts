import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpPoster, type HttpPosterOptions } from '../../../lambdas/core/delivery/poster.ts';
import { SigV4Signer } from '../../../lambdas/core/delivery/sigv4.ts';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test', sessionToken: 'token-test' };

/** A real HTTP server on a free port that records each request and answers with `respond`. */
async function startServer(respond: (req: Received, res: ServerResponse) => void = okay) {
  const received: Received[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(request);
      respond(request, res);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
  return { endpoint, received, connections: () => connections };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function okay(_req: Received, res: ServerResponse): void {
  res.writeHead(200).end();
}

/** Answers like API Gateway's management API: the status with `x-amzn-ErrorType`. */
const failWith = (status: number, errorType: string) => (_req: Received, res: ServerResponse) => {
  res.writeHead(status, { 'x-amzn-errortype': errorType, 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: errorType }));
};

const poster = (endpoint: string, options: Partial<HttpPosterOptions> = {}) =>
  createHttpPoster({
    endpoint,
    region: async () => 'eu-west-1',
    credentials: async () => credentials,
    timeoutMs: 2000,
    ...options,
  });

describe('Function: createHttpPoster', () => {
  it('posts the frame to the stage path of the encoded connection id, signed for execute-api', async () => {
    const server = await startServer();
    const frame = '{"type":"message","data":"héllo"}';
    expect(await poster(server.endpoint).post('ab+c/d=e', frame)).toBe('ok');

    const [request] = server.received;
    expect(request).toMatchObject({ method: 'POST', url: '/prod/@connections/ab%2Bc%2Fd%3De', body: frame });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(Buffer.byteLength(frame)),
      'x-amz-security-token': 'token-test',
    });
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });

  it('sends a signature that verifies over the request as the server received it', async () => {
    const server = await startServer();
    await poster(server.endpoint).post('L0SM9cOFvHcCIhw=', 'frame');

    const request = server.received[0] as Received;
    const amzDate = request.headers['x-amz-date'] as string;
    const signedNames =
      /SignedHeaders=([^,]+)/.exec(request.headers.authorization ?? '')?.[1]?.split(';') ?? [];
    const signed = Object.fromEntries(
      signedNames
        .filter((name) => !name.startsWith('x-amz-'))
        .map((name) => [name, String(request.headers[name])]),
    );
    const date = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`,
    );
    const expected = new SigV4Signer('eu-west-1', 'execute-api').sign(
      { method: request.method, path: request.url, headers: signed, body: request.body },
      credentials,
      date,
    );
    expect(request.headers.authorization).toBe(expected.authorization);
  });

  it('sends the path and signed headers the SDK client sends for the same post', async () => {
    const server = await startServer();
    const sdk = new ApiGatewayManagementApiClient({
      endpoint: server.endpoint,
      region: 'eu-west-1',
      credentials,
      maxAttempts: 1,
    });
    const id = "x+y/z=!'()*";
    await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'frame' }));
    sdk.destroy();
    await poster(server.endpoint).post(id, 'frame');

    const [bySdk, byPoster] = server.received as [Received, Received];
    expect(byPoster.url).toBe(bySdk.url);
    const signedBy = (r: Received) =>
      /SignedHeaders=([^,]+)/.exec(r.headers.authorization ?? '')?.[1]?.split(';');
    // The SDK also signs its own bookkeeping headers (invocation id, user agent); every header
    // this poster signs is one the SDK signs too.
    expect(signedBy(bySdk)).toEqual(expect.arrayContaining(signedBy(byPoster) ?? ['missing']));
    for (const name of ['content-type', 'content-length', 'x-amz-content-sha256', 'x-amz-security-token'])
      expect(byPoster.headers[name]).toBe(bySdk.headers[name]);
  });

  it.each([
    [410, 'GoneException', 'gone'],
    [429, 'LimitExceededException', 'retryable'],
    [500, 'InternalServerErrorException', 'retryable'],
    [503, 'ServiceUnavailable', 'retryable'],
    [403, 'ForbiddenException', 'rejected'],
    [413, 'PayloadTooLargeException', 'rejected'],
    [400, 'LimitExceededException', 'retryable'],
  ])('maps a %i %s answer to %s', async (status, errorType, outcome) => {
    const server = await startServer(failWith(status, errorType));
    expect(await poster(server.endpoint).post('c1', 'frame')).toBe(outcome);
  });

  it('gives up a sent call whose answer does not come within the answer timeout, as retryable', async () => {
    // Without the timeout this post would wait forever and the test would time out.
    const server = await startServer(() => undefined);
    const posts = poster(server.endpoint, { timeoutMs: 100, answerTimeoutMs: 300 });
    expect(await posts.post('c1', 'frame')).toBe('retryable');
    expect(server.received).toHaveLength(1);
  });

  it('waits past the send timeout for the answer to a call sent in full, so it is not posted twice', async () => {
    const server = await startServer((_req, res) => setTimeout(() => res.writeHead(200).end(), 300));
    const posts = poster(server.endpoint, { timeoutMs: 100, answerTimeoutMs: 5000 });
    expect(await posts.post('c1', 'frame')).toBe('ok');
    expect(server.received).toHaveLength(1);
  });

  it('treats a reset connection and a refused one as retryable', async () => {
    const server = await startServer((_req, res) => res.socket?.destroy());
    expect(await poster(server.endpoint).post('c1', 'frame')).toBe('retryable');
    expect(await poster('http://127.0.0.1:1/prod').post('c1', 'frame')).toBe('retryable');
  });

  it('treats credentials that cannot be resolved as retryable and sends nothing', async () => {
    const server = await startServer();
    const failing = poster(server.endpoint, {
      credentials: async () => {
        throw new Error('no credentials');
      },
    });
    expect(await failing.post('c1', 'frame')).toBe('retryable');
    expect(server.received).toHaveLength(0);
  });

  it('keeps connections alive across posts', async () => {
    const server = await startServer();
    const posts = poster(server.endpoint);
    for (const id of ['a', 'b', 'c', 'd']) expect(await posts.post(id, 'frame')).toBe('ok');
    expect(server.received).toHaveLength(4);
    expect(server.connections()).toBe(1);
  });
});
