import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import WebSocket from 'ws';
import {
  type Integration,
  startWebSocketGateway,
  type WebSocketGateway,
  type WebSocketGatewayOptions,
} from '../../local/apigw-websocket/index.ts';

/** A gateway on a free port; routes default to none and the expression to `$request.body.action`. */
export function startTestGateway(options: Partial<WebSocketGatewayOptions> = {}): Promise<WebSocketGateway> {
  return startWebSocketGateway({
    port: 0,
    routeSelectionExpression: '$request.body.action',
    routes: {},
    ...options,
  });
}

/** The real SDK client against the gateway, with dummy credentials and no retries by default. */
export function managementClient(gateway: WebSocketGateway, maxAttempts = 1): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint: gateway.managementEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts,
  });
}

/** An integration that records its events and answers with `respond`. */
export interface Recorder {
  readonly integration: Integration;
  readonly events: Record<string, unknown>[];
  /** Resolves with the n-th event (0-based), waiting for it if needed. */
  event(index?: number, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function recorder(
  respond: (event: Record<string, unknown>) => unknown = () => ({ statusCode: 200 }),
): Recorder {
  const events: Record<string, unknown>[] = [];
  return {
    events,
    integration: async (event) => {
      events.push(event);
      return respond(event);
    },
    event: async (index = 0, timeoutMs = 2000) => {
      await waitUntil(() => events.length > index, timeoutMs);
      return events[index]!;
    },
  };
}

/** A real `ws` client keeping every text message exactly as received. */
export interface TestClient {
  readonly ws: WebSocket;
  readonly messages: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the n-th message (0-based), waiting for it if needed. */
  message(index?: number, timeoutMs?: number): Promise<string>;
}

/** A failed handshake: the HTTP status the gateway answered. */
export class HandshakeError extends Error {
  constructor(readonly status: number) {
    super(`handshake failed with ${status}`);
  }
}

export function openClient(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    const messages: string[] = [];
    ws.on('message', (data) => messages.push(String(data)));
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => done({ code, reason: String(reason) })),
    );
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        closed,
        message: async (index = 0, timeoutMs = 2000) => {
          await waitUntil(() => messages.length > index, timeoutMs);
          return messages[index]!;
        },
      }),
    );
    ws.once('unexpected-response', (_req, res) => {
      reject(new HandshakeError(res.statusCode ?? 0));
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Polls until the predicate holds; fails after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
