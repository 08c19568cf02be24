import { request } from 'node:http';
import {
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketGateway } from '../../../local/apigw-websocket/index.ts';
import {
  type ConformanceTarget,
  localOnly,
  remote,
  startConformanceTarget,
} from '../../helpers/conformance-target.ts';
import { managementClient, openClient, recorder, sleep, startTestGateway } from '../../helpers/emulator.ts';

const connectionIdOf = (event: Record<string, unknown>) =>
  (event.requestContext as { connectionId: string }).connectionId;

describe('The Management API', () => {
  let target: ConformanceTarget;
  beforeAll(async () => {
    target = await startConformanceTarget();
  });
  afterAll(() => target?.stop());

  it('delivers a POST body to the client as one text message and answers 200', async () => {
    const client = await target.connect();
    const output = await target
      .management()
      .send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: '{"type":"hello"}' }));
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(await client.message(0, 10_000)).toBe('{"type":"hello"}');
    client.ws.close();
  });

  it('delivers a 131072-byte POST whole, split into frames', async () => {
    const client = await target.connect();
    const data = 'x'.repeat(131_072);
    await target
      .management()
      .send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: data }));
    expect(await client.message(0, 10_000)).toBe(data);
    client.ws.close();
  });

  it('answers 413 PayloadTooLargeException for a 131073-byte POST', async () => {
    const client = await target.connect();
    const post = target
      .management()
      .send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: 'x'.repeat(131_073) }));
    await expect(post).rejects.toBeInstanceOf(PayloadTooLargeException);
    await expect(post).rejects.toMatchObject({ $metadata: { httpStatusCode: 413 } });
    expect(client.messages).toEqual([]);
    client.ws.close();
  });

  it('answers 410 GoneException for an unknown connection id', async () => {
    const post = target
      .management()
      .send(new PostToConnectionCommand({ ConnectionId: 'L0SM9cOFvHcCIhw=', Data: 'x' }));
    await expect(post).rejects.toBeInstanceOf(GoneException);
    await expect(post).rejects.toMatchObject({ $metadata: { httpStatusCode: 410 } });
  });

  it('closes the connection with 1000 on DELETE and answers 204, and 410 to a second DELETE', async () => {
    const client = await target.connect();
    const id = client.connectionId;
    const output = await target.management().send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect(output.$metadata.httpStatusCode).toBe(204);
    expect((await client.closed).code).toBe(1000);
    await expect(
      target.management().send(new DeleteConnectionCommand({ ConnectionId: id })),
    ).rejects.toBeInstanceOf(GoneException);
  });
});

describe.skipIf(remote)(
  `The Management API ${localOnly("integrations the test supplies, the gateway's counters, local addresses")}`,
  () => {
    let gateway: WebSocketGateway;
    afterEach(() => gateway?.close());

    it('delivers $disconnect with 1000 Connection Closed Normally after a DELETE', async () => {
      const disconnect = recorder();
      gateway = await startTestGateway({ routes: { $disconnect: disconnect.integration } });
      const client = await openClient(gateway.url);
      const [id] = gateway.connectionIds();
      await managementClient(gateway).send(new DeleteConnectionCommand({ ConnectionId: id }));
      expect((await client.closed).code).toBe(1000);
      const rc = (await disconnect.event()).requestContext;
      expect(rc).toMatchObject({
        disconnectStatusCode: 1000,
        disconnectReason: 'Connection Closed Normally',
      });
    });

    it("counts each post's outcome in the gateway's stats", async () => {
      gateway = await startTestGateway();
      const client = await openClient(gateway.url);
      const management = managementClient(gateway);
      await management.send(
        new PostToConnectionCommand({ ConnectionId: gateway.connectionIds()[0], Data: 'x' }),
      );
      await expect(
        management.send(new PostToConnectionCommand({ ConnectionId: 'L0SM9cOFvHcCIhw=', Data: 'x' })),
      ).rejects.toBeInstanceOf(GoneException);
      expect(gateway.stats()).toMatchObject({ posts: 2, posts200: 1, posts410: 1 });
      client.ws.close();
    });

    it('answers 410 to a POST while the connection is still in $connect', async () => {
      let release: () => void = () => undefined;
      const connect = recorder(
        () => new Promise((resolve) => (release = () => resolve({ statusCode: 200 }))),
      );
      gateway = await startTestGateway({ routes: { $connect: connect.integration } });
      const opening = openClient(gateway.url);
      const id = connectionIdOf(await connect.event());
      const management = managementClient(gateway);
      await expect(
        management.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' })),
      ).rejects.toBeInstanceOf(GoneException);
      release();
      const client = await opening;
      await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'now' }));
      expect(await client.message()).toBe('now');
      client.ws.close();
    });

    it('answers 410 once the connection has closed', async () => {
      const disconnect = recorder();
      gateway = await startTestGateway({ routes: { $disconnect: disconnect.integration } });
      const client = await openClient(gateway.url);
      const [id] = gateway.connectionIds();
      client.ws.close();
      await disconnect.event();
      await expect(
        managementClient(gateway).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' })),
      ).rejects.toBeInstanceOf(GoneException);
    });

    it('describes a connection on GET, moving lastActiveAt on client messages only', async () => {
      const message = recorder();
      gateway = await startTestGateway({ routes: { $default: message.integration } });
      const client = await openClient(gateway.url, { headers: { 'User-Agent': 'tests/2.0' } });
      const [id] = gateway.connectionIds();
      const management = managementClient(gateway);
      const before = await management.send(new GetConnectionCommand({ ConnectionId: id }));
      expect(before.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'tests/2.0' });
      expect(before.ConnectedAt).toBeInstanceOf(Date);
      await sleep(20);
      await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }));
      const afterPost = await management.send(new GetConnectionCommand({ ConnectionId: id }));
      expect(afterPost.LastActiveAt).toEqual(before.LastActiveAt);
      client.ws.send('hi');
      await message.event();
      const afterMessage = await management.send(new GetConnectionCommand({ ConnectionId: id }));
      expect(afterMessage.LastActiveAt!.getTime()).toBeGreaterThan(before.LastActiveAt!.getTime());
      client.ws.close();
    });

    it('answers 403 ForbiddenException to a path without the stage', async () => {
      gateway = await startTestGateway();
      const response = await new Promise<{ status?: number; errorType: unknown; requestId: unknown }>(
        (resolve, reject) =>
          request(`http://127.0.0.1:${gateway.port}/@connections/abc%3D`, { method: 'POST' }, (res) => {
            res.resume();
            resolve({
              status: res.statusCode,
              errorType: res.headers['x-amzn-errortype'],
              requestId: res.headers['x-amzn-requestid'],
            });
          })
            .on('error', reject)
            .end('x'),
      );
      expect(response).toMatchObject({ status: 403, errorType: 'ForbiddenException' });
      expect(response.requestId).toBeTypeOf('string');
    });

    it('answers 410 with an empty body and the error type headers', async () => {
      gateway = await startTestGateway();
      const response = await new Promise<{ status?: number; headers: object; body: string }>(
        (resolve, reject) =>
          request(`${gateway.managementEndpoint}/@connections/${encodeURIComponent('a+b/c=')}`, (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
          })
            .on('error', reject)
            .end(),
      );
      expect(response.status).toBe(410);
      expect(response.body).toBe('');
      expect(response.headers).toMatchObject({ 'x-amzn-errortype': 'GoneException' });
    });
  },
);
