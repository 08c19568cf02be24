import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WaveletClient, type WaveletClientOptions, type WaveletError } from '../../../client/index.ts';
import { signToken } from '../../../tools/sign-token.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { clientEnv } from './client-fixtures.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: clientEnv });
});
afterAll(() => rt?.stop());

/** Signed with another secret: the local authorizer refuses it (401), as API Gateway's would. */
const badToken = (user: string) => signToken(user, { secret: 'not-the-runtime-secret' });

/**
 * A browser's WebSocket as far as the SDK can tell: `ws` behind the handler properties only, so
 * a refused handshake is a bare 1006 with no status (no `on`, no `unexpected-response`).
 */
class BrowserLikeWebSocket {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private readonly inner: WebSocket;

  constructor(url: string) {
    this.inner = new WebSocket(url);
    this.inner.onopen = (event) => this.onopen?.(event);
    this.inner.onmessage = (event) => this.onmessage?.({ data: event.data });
    this.inner.onclose = (event) => this.onclose?.({ code: event.code, reason: event.reason });
    this.inner.onerror = (event) => this.onerror?.(event);
  }

  get readyState(): number {
    return this.inner.readyState;
  }

  send(data: string): void {
    this.inner.send(data);
  }

  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }
}

/** A client whose token function counts its calls; errors and states are recorded. */
function clientWith(token: () => Promise<string>, options: Partial<WaveletClientOptions> = {}) {
  let tokenCalls = 0;
  const errors: WaveletError[] = [];
  const client = new WaveletClient({
    url: rt.endpoints.websocket,
    token: () => {
      tokenCalls += 1;
      return token();
    },
    WebSocket,
    // Bounded so that a client that never says AUTH_FAILED fails the test instead of hanging it.
    reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 8 },
    ...options,
  });
  client.on('error', (e) => errors.push(e));
  return { client, errors, tokenCalls: () => tokenCalls };
}

/** A local port nothing listens on: connecting to it fails as a network failure does. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('Class: WaveletClient, with a refused credential', () => {
  it('stops with AUTH_FAILED in Node after a wrongly signed token is refused twice, calling the token function once more', async () => {
    const { client, errors, tokenCalls } = clientWith(() => badToken('auth-node'));
    const failure = await client.connect().catch((e: WaveletError) => e);
    expect(failure).toMatchObject({
      code: 'AUTH_FAILED',
      message: 'The server refused the credential (HTTP 401)',
    });
    expect(tokenCalls()).toBe(2);
    expect(errors.map((e) => e.code)).toEqual(['AUTH_FAILED', 'AUTH_FAILED']);
    expect(client.state).toBe('closed');
    expect(rt.gateway.connectionIds()).toEqual([]);
  });

  it('stops with AUTH_FAILED after one handshake when the refused token is a fixed string', async () => {
    const client = new WaveletClient({
      url: rt.endpoints.websocket,
      token: await badToken('auth-fixed'),
      WebSocket,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 8 },
    });
    const codes: string[] = [];
    client.on('error', (e) => codes.push(e.code));
    await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(codes).toEqual(['AUTH_FAILED']);
  });

  it('connects when the token function gives a good token after a refused one', async () => {
    let calls = 0;
    const { client, errors } = clientWith(() =>
      ++calls === 1 ? badToken('auth-renewed') : rt.token('auth-renewed'),
    );
    await client.connect();
    expect(await client.ping()).toHaveProperty('ts');
    expect(errors.map((e) => e.code)).toEqual(['AUTH_FAILED']);
    await client.close();
  });

  it('stops with AUTH_FAILED in a browser once POST /tickets refuses a fresh token after three failed handshakes', async () => {
    const { client, errors, tokenCalls } = clientWith(() => badToken('auth-browser'), {
      WebSocket: BrowserLikeWebSocket,
      httpUrl: rt.endpoints.http,
    });
    const failure = await client.connect().catch((e: WaveletError) => e);
    expect(failure).toMatchObject({
      code: 'AUTH_FAILED',
      message: 'POST /tickets refused a fresh token (HTTP 401)',
    });
    // Three handshakes, then the token function once more for the check.
    expect(tokenCalls()).toBe(4);
    expect(errors.map((e) => e.code)).toEqual([
      'CONNECTION_FAILED',
      'CONNECTION_FAILED',
      'CONNECTION_FAILED',
      'AUTH_FAILED',
    ]);
    expect(client.state).toBe('closed');
  });

  it('keeps retrying a network failure in a browser when POST /tickets accepts the token', async () => {
    const { client, errors } = clientWith(() => rt.token('auth-network'), {
      url: `ws://127.0.0.1:${await deadPort()}`,
      WebSocket: BrowserLikeWebSocket,
      httpUrl: rt.endpoints.http,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 7 },
    });
    await expect(client.connect()).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      message: 'Gave up after 7 failed connection attempts',
    });
    expect(errors.filter((e) => e.code === 'AUTH_FAILED')).toEqual([]);
  });

  it('keeps retrying a network failure in Node', async () => {
    const { client, errors } = clientWith(() => rt.token('auth-network-node'), {
      url: `ws://127.0.0.1:${await deadPort()}`,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 4 },
    });
    await expect(client.connect()).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
    expect(errors.map((e) => e.code)).toEqual(Array(5).fill('CONNECTION_FAILED'));
  });
});
