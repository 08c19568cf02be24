import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketGateway } from '../../../local/apigw-websocket/index.ts';
import {
  type ConformanceTarget,
  localOnly,
  remote,
  startConformanceTarget,
} from '../../helpers/conformance-target.ts';
import { HandshakeError, openClient, recorder, sleep, startTestGateway } from '../../helpers/emulator.ts';

describe('The handshake', () => {
  let target: ConformanceTarget;
  beforeAll(async () => {
    target = await startConformanceTarget();
  });
  afterAll(() => target?.stop());

  it('refuses a handshake to another stage with 403', async () => {
    const otherStage = new URL(`/not-${target.stage}`, target.url).href;
    await expect(openClient(otherStage)).rejects.toEqual(new HandshakeError(403));
  });

  it('answers a plain GET without upgrade with 426', async () => {
    const response = await fetch(target.url.replace(/^ws/, 'http'));
    await response.body?.cancel();
    expect(response.status).toBe(426);
  });

  it('does not echo a requested subprotocol on its own, so the client fails the handshake', async () => {
    const url = await target.connectUrl(target.newUserId());
    await expect(openClient(url, { protocols: ['chat'] })).rejects.toThrow(/subprotocol/i);
  });
});

describe.skipIf(remote)(`The $connect route ${localOnly('integrations the test supplies')}`, () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it('opens the connection when the integration returns 2xx', async () => {
    gateway = await startTestGateway({ routes: { $connect: async () => ({ statusCode: 204 }) } });
    const client = await openClient(gateway.url);
    expect(gateway.connectionIds()).toHaveLength(1);
    client.ws.close();
  });

  it('accepts clients on the stage path too', async () => {
    gateway = await startTestGateway({ routes: { $connect: async () => ({ statusCode: 200 }) } });
    const client = await openClient(`${gateway.url}/local`);
    client.ws.close();
  });

  it('fails the handshake with the status the integration returns', async () => {
    gateway = await startTestGateway({ routes: { $connect: async () => ({ statusCode: 429 }) } });
    await expect(openClient(gateway.url)).rejects.toMatchObject({ status: 429 });
  });

  it('fails the handshake with 502 when the integration throws', async () => {
    gateway = await startTestGateway({
      routes: {
        $connect: async () => {
          throw new Error('boom');
        },
      },
    });
    await expect(openClient(gateway.url)).rejects.toMatchObject({ status: 502 });
  });

  it('fails the handshake with 504 when the integration exceeds the timeout', async () => {
    gateway = await startTestGateway({
      limits: { integrationTimeoutMs: 100 },
      routes: { $connect: () => new Promise(() => undefined) },
    });
    await expect(openClient(gateway.url)).rejects.toMatchObject({ status: 504 });
  });

  it('delivers $disconnect when the client leaves while $connect is still running', async () => {
    const disconnect = recorder();
    gateway = await startTestGateway({
      routes: {
        $connect: async () => {
          await sleep(100);
          return { statusCode: 200 };
        },
        $disconnect: disconnect.integration,
      },
    });
    const ws = new WebSocket(gateway.url);
    ws.on('error', () => undefined);
    await sleep(30);
    ws.terminate();
    const rc = (await disconnect.event(0, 1000)).requestContext;
    expect(rc).toMatchObject({ disconnectStatusCode: 1006 });
    expect(gateway.connectionIds()).toEqual([]);
  });

  it('accepts every connection when there is no $connect route', async () => {
    gateway = await startTestGateway({ routes: {} });
    const client = await openClient(gateway.url);
    expect(gateway.connectionIds()).toHaveLength(1);
    client.ws.close();
  });

  it('never delivers $disconnect for a rejected handshake', async () => {
    const disconnect = recorder();
    gateway = await startTestGateway({
      routes: { $connect: async () => ({ statusCode: 403 }), $disconnect: disconnect.integration },
    });
    await expect(openClient(gateway.url)).rejects.toMatchObject({ status: 403 });
    await sleep(50);
    expect(disconnect.events).toHaveLength(0);
    expect(gateway.connectionIds()).toHaveLength(0);
  });
});

describe.skipIf(remote)(`Subprotocol negotiation ${localOnly('integrations the test supplies')}`, () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it('sends the subprotocol the $connect integration returns in its headers', async () => {
    gateway = await startTestGateway({
      routes: { $connect: async () => ({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'chat' } }) },
    });
    const client = await openClient(gateway.url, { protocols: ['chat', 'superchat'] });
    expect(client.ws.protocol).toBe('chat');
    client.ws.close();
  });

  it('sends a returned subprotocol the client never asked for, which the client refuses', async () => {
    gateway = await startTestGateway({
      routes: { $connect: async () => ({ statusCode: 200, headers: { 'sec-websocket-protocol': 'chat' } }) },
    });
    await expect(openClient(gateway.url)).rejects.toThrow(/subprotocol/i);
  });

  it('refuses a malformed subprotocol offer with 400 before $connect runs', async () => {
    const connect = recorder();
    gateway = await startTestGateway({ routes: { $connect: connect.integration } });
    const status = await new Promise<number | undefined>((resolve, reject) =>
      request(
        `http://127.0.0.1:${gateway.port}/`,
        {
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
            'Sec-WebSocket-Protocol': 'chat, chat',
          },
        },
        (res) => resolve(res.statusCode),
      )
        .on('upgrade', () => resolve(101))
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(400);
    expect(connect.events).toHaveLength(0);
  });
});
