import { GetConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocketGateway } from '../../../local/apigw-websocket/index.ts';
import { managementClient, openClient, recorder, sleep, startTestGateway } from '../../helpers/emulator.ts';

describe('Fault injection', () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it('drops every $disconnect when dropDisconnect is 1', async () => {
    const disconnect = recorder();
    gateway = await startTestGateway({
      faults: { dropDisconnect: 1 },
      routes: { $disconnect: disconnect.integration },
    });
    const client = await openClient(gateway.url);
    client.ws.close();
    await client.closed;
    await sleep(50);
    expect(disconnect.events).toHaveLength(0);
    expect(gateway.stats()).toMatchObject({ disconnectsDropped: 1 });
  });

  it('answers 429 LimitExceededException to every management call when throttleRate is 1', async () => {
    gateway = await startTestGateway();
    const client = await openClient(gateway.url);
    const [id] = gateway.connectionIds();
    gateway.setFaults({ throttleRate: 1 });
    const post = managementClient(gateway).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }));
    await expect(post).rejects.toMatchObject({
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 429 },
    });
    expect(client.messages).toEqual([]);
    gateway.setFaults({ throttleRate: 0 });
    await managementClient(gateway).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }));
    expect(await client.message()).toBe('x');
    expect(gateway.stats()).toMatchObject({ posts: 2, posts429: 1, posts200: 1 });
    client.ws.close();
  });

  it('answers 500 InternalServerErrorException when serverErrorRate is 1', async () => {
    gateway = await startTestGateway({ faults: { serverErrorRate: 1 } });
    const client = await openClient(gateway.url);
    const get = managementClient(gateway).send(
      new GetConnectionCommand({ ConnectionId: gateway.connectionIds()[0] }),
    );
    await expect(get).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    client.ws.close();
  });

  it('adds the configured latency to management calls', async () => {
    gateway = await startTestGateway({ faults: { latencyMs: 150 } });
    const client = await openClient(gateway.url);
    const started = Date.now();
    await managementClient(gateway).send(
      new PostToConnectionCommand({ ConnectionId: gateway.connectionIds()[0], Data: 'x' }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    client.ws.close();
  });
});
