import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketGateway } from '../../../local/apigw-websocket/index.ts';
import {
  type ConformanceTarget,
  localOnly,
  remote,
  startConformanceTarget,
} from '../../helpers/conformance-target.ts';
import { managementClient, openClient, recorder, sleep, startTestGateway } from '../../helpers/emulator.ts';

const disconnectOf = (event: Record<string, unknown>) => {
  const { disconnectStatusCode, disconnectReason } = event.requestContext as Record<string, unknown>;
  return { disconnectStatusCode, disconnectReason };
};

describe('Limits a client sees', () => {
  let target: ConformanceTarget;
  beforeAll(async () => {
    target = await startConformanceTarget();
  });
  afterAll(() => target?.stop());

  it('closes the connection with 1003 when the client sends a binary frame', async () => {
    const client = await target.connect();
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.closed).code).toBe(1003);
  });

  it('closes the connection with 1009 on a fragmented message over 128 KB', async () => {
    const client = await target.connect();
    for (let i = 0; i < 5; i += 1) client.ws.send('x'.repeat(i < 4 ? 32_768 : 1), { fin: i === 4 });
    expect((await client.closed).code).toBe(1009);
  });

  it('closes the connection with 1009 on a fragment over 32 KB', async () => {
    const client = await target.connect();
    client.ws.send('x'.repeat(16_384), { fin: false });
    client.ws.send('x'.repeat(32_769), { fin: true });
    expect((await client.closed).code).toBe(1009);
  });
});

describe.skipIf(remote)(`Limits ${localOnly('integrations the test supplies, shortened timeouts')}`, () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it('delivers a route response of exactly 128 KB and drops a larger one with a log line naming the connection and size', async () => {
    const lines: string[] = [];
    const route = recorder((event) => ({
      statusCode: 200,
      body: 'x'.repeat(String(event.body) === 'big' ? 128 * 1024 + 1 : 128 * 1024),
    }));
    gateway = await startTestGateway({
      routes: { $default: route.integration },
      log: (line) => lines.push(line),
    });
    const client = await openClient(gateway.url);
    client.ws.send('fits');
    expect((await client.message(0, 5000)).length).toBe(128 * 1024);
    client.ws.send('big');
    await route.event(1);
    client.ws.send('fits');
    await route.event(2);
    expect((await client.message(1, 5000)).length).toBe(128 * 1024);
    expect(client.messages).toHaveLength(2);
    const [id] = gateway.connectionIds();
    expect(lines.filter((l) => l.startsWith('ROUTE RESPONSE NOT DELIVERED'))).toEqual([
      `ROUTE RESPONSE NOT DELIVERED ${id} $default: 131073 bytes, over the 131072-byte limit`,
    ]);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('accepts a frame of exactly 32 KB and closes with 1009 on a larger one', async () => {
    const message = recorder();
    const disconnect = recorder();
    gateway = await startTestGateway({
      routes: { $default: message.integration, $disconnect: disconnect.integration },
    });
    const client = await openClient(gateway.url);
    client.ws.send('x'.repeat(32_768));
    await message.event();
    client.ws.send('x'.repeat(32_769));
    expect((await client.closed).code).toBe(1009);
    expect(disconnectOf(await disconnect.event())).toMatchObject({ disconnectStatusCode: 1009 });
    expect(message.events).toHaveLength(1);
  });

  it('routes a 128 KB message sent in four fragments of 32 KB as one message', async () => {
    const message = recorder();
    gateway = await startTestGateway({ routes: { $default: message.integration } });
    const client = await openClient(gateway.url);
    for (const letter of ['a', 'b', 'c', 'd']) client.ws.send(letter.repeat(32_768), { fin: letter === 'd' });
    const event = await message.event(0, 5000);
    expect(event.body).toBe(['a', 'b', 'c', 'd'].map((l) => l.repeat(32_768)).join(''));
    client.ws.send('after');
    expect((await message.event(1)).body).toBe('after');
    expect(message.events).toHaveLength(2);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('closes with 1009 on a fragmented message over 128 KB, and on a fragment over 32 KB', async () => {
    const message = recorder();
    const disconnect = recorder();
    gateway = await startTestGateway({
      routes: { $default: message.integration, $disconnect: disconnect.integration },
    });
    const tooLong = await openClient(gateway.url);
    for (let i = 0; i < 5; i += 1) tooLong.ws.send('x'.repeat(i < 4 ? 32_768 : 1), { fin: i === 4 });
    expect((await tooLong.closed).code).toBe(1009);
    const bigFragment = await openClient(gateway.url);
    bigFragment.ws.send('x'.repeat(16_384), { fin: false });
    bigFragment.ws.send('x'.repeat(32_769), { fin: true });
    expect((await bigFragment.closed).code).toBe(1009);
    expect(disconnectOf(await disconnect.event(1))).toMatchObject({ disconnectStatusCode: 1009 });
    expect(message.events).toHaveLength(0);
  });

  it('closes with 1003 on a binary frame', async () => {
    const message = recorder();
    gateway = await startTestGateway({ routes: { $default: message.integration } });
    const client = await openClient(gateway.url);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.closed).code).toBe(1003);
    expect(message.events).toHaveLength(0);
  });

  it('closes an idle connection with 1001 Going away, not counting management posts as activity', async () => {
    const disconnect = recorder();
    gateway = await startTestGateway({
      limits: { idleTimeoutMs: 300 },
      routes: { $default: recorder().integration, $disconnect: disconnect.integration },
    });
    const client = await openClient(gateway.url);
    const started = Date.now();
    await sleep(150);
    await managementClient(gateway).send(
      new PostToConnectionCommand({ ConnectionId: gateway.connectionIds()[0], Data: 'x' }),
    );
    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(Date.now() - started).toBeLessThan(600);
    expect(disconnectOf(await disconnect.event())).toEqual({
      disconnectStatusCode: 1001,
      disconnectReason: 'Going away',
    });
  });

  it('keeps a connection open while the client sends messages', async () => {
    gateway = await startTestGateway({
      limits: { idleTimeoutMs: 200 },
      routes: { $default: recorder().integration },
    });
    const client = await openClient(gateway.url);
    for (let i = 0; i < 6; i += 1) {
      client.ws.send('ping');
      await sleep(80);
    }
    expect(gateway.connectionIds()).toHaveLength(1);
    client.ws.close();
  });

  it('closes a connection with 1001 Going away at the end of its lifetime, even when active', async () => {
    gateway = await startTestGateway({
      limits: { maxLifetimeMs: 300 },
      routes: { $default: recorder().integration },
    });
    const client = await openClient(gateway.url);
    const timer = setInterval(() => client.ws.send('ping'), 50);
    const closed = await client.closed;
    clearInterval(timer);
    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
  });
});

describe.skipIf(remote)(`Disconnect codes ${localOnly('reads the $disconnect events')}`, () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it("reports the client's close code and reason", async () => {
    const disconnect = recorder();
    gateway = await startTestGateway({ routes: { $disconnect: disconnect.integration } });
    const client = await openClient(gateway.url);
    client.ws.close(4001, 'logging out');
    expect(disconnectOf(await disconnect.event())).toEqual({
      disconnectStatusCode: 4001,
      disconnectReason: 'logging out',
    });
  });

  it('reports 1005 when the client closes without a status code', async () => {
    const disconnect = recorder();
    gateway = await startTestGateway({ routes: { $disconnect: disconnect.integration } });
    const client = await openClient(gateway.url);
    client.ws.close();
    expect(disconnectOf(await disconnect.event())).toEqual({
      disconnectStatusCode: 1005,
      disconnectReason: 'Client-side close frame status not set',
    });
  });

  it('reports 1006 when the connection drops without a close frame', async () => {
    const disconnect = recorder();
    gateway = await startTestGateway({ routes: { $disconnect: disconnect.integration } });
    const client = await openClient(gateway.url);
    client.ws.terminate();
    expect(disconnectOf(await disconnect.event())).toMatchObject({ disconnectStatusCode: 1006 });
    expect(gateway.connectionIds()).toEqual([]);
  });

  it('ignores the $disconnect result and swallows its failure', async () => {
    const lines: string[] = [];
    gateway = await startTestGateway({
      log: (line) => lines.push(line),
      routes: {
        $disconnect: async () => {
          throw new Error('table gone');
        },
      },
    });
    const client = await openClient(gateway.url);
    client.ws.close(1000);
    await client.closed;
    await sleep(30);
    expect(lines.some((line) => line.includes('table gone'))).toBe(true);
    const again = await openClient(gateway.url);
    again.ws.close();
  });
});
