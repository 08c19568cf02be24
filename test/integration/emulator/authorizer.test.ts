import { afterEach, describe, expect, it } from 'vitest';
import type { Integration, WebSocketGateway } from '../../../local/apigw-websocket/index.ts';
import { openClient, recorder, startTestGateway } from '../../helpers/emulator.ts';

const policy = (effect: 'Allow' | 'Deny', resource: string, context?: Record<string, unknown>) => ({
  principalId: 'user-1',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  },
  context,
});

const allowing: Integration = async (event) =>
  policy('Allow', String(event.methodArn), { userId: 'u1', admin: true, level: 3, team: null });

describe('The REQUEST authorizer', () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it('receives a REQUEST event with every header, the method ARN and empty maps', async () => {
    const authorizer = recorder((event) => policy('Allow', String(event.methodArn)));
    gateway = await startTestGateway({
      apiId: 'abcde12345',
      authorizer: { identitySource: [], invoke: authorizer.integration, accountId: '111122223333' },
    });
    const client = await openClient(gateway.url);
    const event = await authorizer.event();
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:111122223333:abcde12345/local/$connect',
      queryStringParameters: {},
      multiValueQueryStringParameters: {},
      stageVariables: {},
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', stage: 'local', apiId: 'abcde12345' },
    });
    expect(event.headers).toMatchObject({
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'content-length': '0',
    });
    client.ws.close();
  });

  it('answers 401 without calling the authorizer when an identity source is missing or empty', async () => {
    const authorizer = recorder(allowing);
    gateway = await startTestGateway({
      authorizer: {
        identitySource: ['route.request.querystring.token', 'route.request.header.X-Device'],
        invoke: authorizer.integration,
      },
    });
    await expect(openClient(`${gateway.url}?token=t`)).rejects.toMatchObject({ status: 401 });
    await expect(openClient(`${gateway.url}?token=`, { headers: { 'X-Device': 'd' } })).rejects.toMatchObject(
      {
        status: 401,
      },
    );
    expect(authorizer.events).toHaveLength(0);
    const client = await openClient(`${gateway.url}?token=t`, { headers: { 'x-device': 'd' } });
    expect(authorizer.events).toHaveLength(1);
    client.ws.close();
  });

  it('answers 401 when the authorizer throws Unauthorized', async () => {
    gateway = await startTestGateway({
      authorizer: {
        identitySource: [],
        invoke: async () => {
          throw new Error('Unauthorized');
        },
      },
    });
    await expect(openClient(gateway.url)).rejects.toMatchObject({ status: 401 });
  });

  it('answers 500 when the authorizer fails otherwise', async () => {
    gateway = await startTestGateway({
      authorizer: {
        identitySource: [],
        invoke: async () => {
          throw new Error('database down');
        },
      },
    });
    await expect(openClient(gateway.url)).rejects.toMatchObject({ status: 500 });
  });

  it('answers 403 when the policy denies, and never reaches $connect', async () => {
    const connect = recorder();
    gateway = await startTestGateway({
      routes: { $connect: connect.integration },
      authorizer: { identitySource: [], invoke: async (event) => policy('Deny', String(event.methodArn)) },
    });
    await expect(openClient(gateway.url)).rejects.toMatchObject({ status: 403 });
    expect(connect.events).toHaveLength(0);
  });

  it('answers 403 when no statement allows the method ARN', async () => {
    gateway = await startTestGateway({
      authorizer: {
        identitySource: [],
        invoke: async () => policy('Allow', 'arn:aws:execute-api:*:*:other/*'),
      },
    });
    await expect(openClient(gateway.url)).rejects.toMatchObject({ status: 403 });
  });

  it('hands the principal and the stringified context to $connect and every later event', async () => {
    const connect = recorder();
    const message = recorder();
    const disconnect = recorder();
    gateway = await startTestGateway({
      routes: {
        $connect: connect.integration,
        $default: message.integration,
        $disconnect: disconnect.integration,
      },
      authorizer: { identitySource: [], invoke: allowing },
    });
    const client = await openClient(gateway.url);
    client.ws.send('hello');
    await message.event();
    client.ws.close();
    const events = [await connect.event(), await message.event(), await disconnect.event()];
    const [onConnect, ...later] = events.map(
      (event) => (event.requestContext as { authorizer: Record<string, unknown> }).authorizer,
    );
    for (const authorizer of [onConnect!, ...later]) {
      expect(authorizer).toMatchObject({
        principalId: 'user-1',
        userId: 'u1',
        admin: 'true',
        level: '3',
        team: 'null',
      });
    }
    // As in captured AWS events: integrationLatency on $connect only.
    expect(onConnect!.integrationLatency).toBeTypeOf('number');
    for (const authorizer of later) expect(authorizer).not.toHaveProperty('integrationLatency');
  });

  it('keeps the context values as returned when contextValues is typed', async () => {
    const message = recorder();
    gateway = await startTestGateway({
      routes: { $default: message.integration },
      authorizer: { identitySource: [], invoke: allowing, contextValues: 'typed' },
    });
    const client = await openClient(gateway.url);
    client.ws.send('hello');
    const rc = (await message.event()).requestContext as { authorizer: Record<string, unknown> };
    expect(rc.authorizer).toEqual({ principalId: 'user-1', userId: 'u1', admin: true, level: 3, team: null });
    client.ws.close();
  });

  it('runs the authorizer on every connection', async () => {
    const authorizer = recorder(allowing);
    gateway = await startTestGateway({ authorizer: { identitySource: [], invoke: authorizer.integration } });
    const a = await openClient(gateway.url);
    const b = await openClient(gateway.url);
    expect(authorizer.events).toHaveLength(2);
    a.ws.close();
    b.ws.close();
  });
});
