import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocketGateway } from '../../../local/apigw-websocket/index.ts';
import { openClient, recorder, startTestGateway } from '../../helpers/emulator.ts';

// AWS's ids use the URL-safe alphabet: `-` and `_`, never `+` or `/` (e.g. `BFaT_fALIAMCKug=`).
const eventId = /^[A-Za-z0-9_-]{15}=$/;
const requestTime = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;

describe('Events handed to integrations', () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it('shapes the $connect event with the handshake headers and the query string', async () => {
    const connect = recorder();
    gateway = await startTestGateway({ apiId: 'abcde12345', routes: { $connect: connect.integration } });
    const client = await openClient(`${gateway.url}/local?room=a&room=b&flag`, {
      headers: { 'X-Custom': 'v', 'User-Agent': 'tests/1.0' },
    });
    const event = await connect.event();
    const headers = event.headers as Record<string, string>;
    expect(headers['X-Custom']).toBe('v');
    expect(headers['Sec-WebSocket-Key']).toMatch(/==$/);
    expect(headers.Host).toBe(`127.0.0.1:${gateway.port}`);
    expect(headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(headers['X-Forwarded-Port']).toBe(String(gateway.port));
    expect(headers['X-Forwarded-Proto']).toBe('https');
    expect(headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.multiValueHeaders).toMatchObject({ 'X-Forwarded-For': ['127.0.0.1'] });
    const names = Object.keys(headers).map((h) => h.toLowerCase());
    expect(names).not.toContain('connection');
    expect(names).not.toContain('upgrade');
    expect(event.multiValueHeaders).toMatchObject({ 'X-Custom': ['v'] });
    expect(event.queryStringParameters).toEqual({ room: 'b', flag: '' });
    expect(event.multiValueQueryStringParameters).toEqual({ room: ['a', 'b'], flag: [''] });
    expect(event.isBase64Encoded).toBe(false);
    expect(event).not.toHaveProperty('body');
    const rc = event.requestContext as Record<string, unknown>;
    expect(rc).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'local',
      apiId: 'abcde12345',
      domainName: `127.0.0.1:${gateway.port}`,
      identity: { sourceIp: '127.0.0.1', userAgent: 'tests/1.0' },
    });
    expect(rc.connectionId).toMatch(eventId);
    expect(rc.requestId).toMatch(eventId);
    expect(rc.extendedRequestId).toBe(rc.requestId);
    expect(rc.requestTime).toMatch(requestTime);
    expect(rc.requestTimeEpoch).toBeTypeOf('number');
    expect(rc.connectedAt).toBeTypeOf('number');
    expect(rc).not.toHaveProperty('messageId');
    expect(rc).not.toHaveProperty('authorizer');
    client.ws.close();
  });

  it('omits the query string parameters and the user agent when the client sent none', async () => {
    const connect = recorder();
    gateway = await startTestGateway({ routes: { $connect: connect.integration } });
    const client = await openClient(gateway.url);
    const event = await connect.event();
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('multiValueQueryStringParameters');
    expect((event.requestContext as { identity: object }).identity).toEqual({ sourceIp: '127.0.0.1' });
    expect(gateway.apiId).toMatch(/^[a-z0-9]{10}$/);
    client.ws.close();
  });

  it('shapes a message event with the frame as body and a fresh message and request id', async () => {
    const connect = recorder();
    const message = recorder();
    gateway = await startTestGateway({
      routes: { $connect: connect.integration, $default: message.integration },
    });
    const client = await openClient(gateway.url);
    client.ws.send('first');
    client.ws.send('second');
    const first = await message.event(0);
    const second = await message.event(1);
    expect(Object.keys(first).sort()).toEqual(['body', 'isBase64Encoded', 'requestContext']);
    expect(first.body).toBe('first');
    const rc = first.requestContext as Record<string, unknown>;
    const rc2 = second.requestContext as Record<string, unknown>;
    const connectRc = (await connect.event()).requestContext as Record<string, unknown>;
    expect(rc).toMatchObject({ routeKey: '$default', eventType: 'MESSAGE', messageDirection: 'IN' });
    expect(rc.messageId).toMatch(eventId);
    expect(rc.connectionId).toBe(connectRc.connectionId);
    expect(rc.connectedAt).toBe(connectRc.connectedAt);
    expect(rc2.requestId).not.toBe(rc.requestId);
    expect(rc2.messageId).not.toBe(rc.messageId);
    expect(rc.extendedRequestId).toBe(rc.requestId);
    client.ws.close();
  });

  it('gives the $connect event the API domain as Host and the forwarding headers API Gateway adds', async () => {
    const connect = recorder();
    gateway = await startTestGateway({
      domainName: 'abcde12345.execute-api.us-east-1.amazonaws.com',
      routes: { $connect: connect.integration },
    });
    const client = await openClient(gateway.url, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    const headers = (await connect.event()).headers as Record<string, string>;
    expect(headers.Host).toBe('abcde12345.execute-api.us-east-1.amazonaws.com');
    // API Gateway appends the peer to a forwarded chain the client sent.
    expect(headers['X-Forwarded-For']).toBe('203.0.113.9, 127.0.0.1');
    expect(headers['X-Forwarded-Port']).toBe('443');
    client.ws.close();
  });

  it('uses only the URL-safe alphabet in connection, request and message ids', async () => {
    const message = recorder();
    gateway = await startTestGateway({ routes: { $default: message.integration } });
    const clients = await Promise.all(Array.from({ length: 8 }, () => openClient(gateway.url)));
    for (const client of clients) for (let i = 0; i < 8; i += 1) client.ws.send('x');
    await message.event(63);
    const ids = message.events.flatMap((event) => {
      const rc = event.requestContext as Record<string, string>;
      return [rc.connectionId, rc.requestId, rc.messageId];
    });
    // 192 ids of 15 random characters: the standard alphabet would show `+` or `/` in nearly all runs.
    for (const id of ids) expect(id).toMatch(eventId);
    for (const client of clients) client.ws.close();
  });

  it('shapes the $disconnect event with fixed headers and the close code and reason', async () => {
    const connect = recorder();
    const disconnect = recorder();
    gateway = await startTestGateway({
      routes: { $connect: connect.integration, $disconnect: disconnect.integration },
    });
    const client = await openClient(gateway.url, { headers: { 'X-Custom': 'v' } });
    client.ws.close(4000, 'bye');
    const event = await disconnect.event();
    const host = `127.0.0.1:${gateway.port}`;
    expect(event.headers).toEqual({ Host: host, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' });
    expect(event.multiValueHeaders).toEqual({
      Host: [host],
      'x-api-key': [''],
      'X-Forwarded-For': [''],
      'x-restapi': [''],
    });
    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event.isBase64Encoded).toBe(false);
    const rc = event.requestContext as Record<string, unknown>;
    const connectRc = (await connect.event()).requestContext as Record<string, unknown>;
    expect(rc).toMatchObject({
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      disconnectStatusCode: 4000,
      disconnectReason: 'bye',
      connectionId: connectRc.connectionId,
      connectedAt: connectRc.connectedAt,
    });
    expect(rc).not.toHaveProperty('messageId');
  });
});
