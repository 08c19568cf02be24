import { afterEach, describe, expect, it } from 'vitest';
import type { Integration, WebSocketGateway } from '../../../local/apigw-websocket/index.ts';
import { openClient, recorder, sleep, startTestGateway } from '../../helpers/emulator.ts';

const routeOf = (event: Record<string, unknown>) => (event.requestContext as { routeKey: string }).routeKey;

describe('Route selection', () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it('routes a frame to the route whose key equals the selected value', async () => {
    const send = recorder();
    const fallback = recorder();
    gateway = await startTestGateway({ routes: { send: send.integration, $default: fallback.integration } });
    const client = await openClient(gateway.url);
    client.ws.send(JSON.stringify({ action: 'send', data: 1 }));
    expect(routeOf(await send.event())).toBe('send');
    expect(fallback.events).toHaveLength(0);
    client.ws.close();
  });

  it('sends a frame without the path, or with an unknown value, to $default', async () => {
    const fallback = recorder();
    gateway = await startTestGateway({
      routes: { send: recorder().integration, $default: fallback.integration },
    });
    const client = await openClient(gateway.url);
    client.ws.send(JSON.stringify({ data: 1 }));
    client.ws.send(JSON.stringify({ action: 'nope' }));
    client.ws.send(JSON.stringify({ action: '$connect' }));
    await fallback.event(2);
    expect(fallback.events.map(routeOf)).toEqual(['$default', '$default', '$default']);
    client.ws.close();
  });

  it('sends a frame that is not JSON to $default', async () => {
    const fallback = recorder();
    gateway = await startTestGateway({
      routes: { send: recorder().integration, $default: fallback.integration },
    });
    const client = await openClient(gateway.url);
    client.ws.send('not json {');
    expect((await fallback.event()).body).toBe('not json {');
    client.ws.close();
  });

  it('evaluates template expressions over several body paths', async () => {
    const route = recorder();
    gateway = await startTestGateway({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: API Gateway's template syntax, not JavaScript's.
      routeSelectionExpression: '${request.body.service}/${request.body.op.name}',
      routes: { 'chat/send': route.integration },
    });
    const client = await openClient(gateway.url);
    client.ws.send(JSON.stringify({ service: 'chat', op: { name: 'send' } }));
    expect(routeOf(await route.event())).toBe('chat/send');
    client.ws.close();
  });

  it('answers the Forbidden frame and stays connected when nothing matches and there is no $default', async () => {
    gateway = await startTestGateway({ routes: { send: recorder().integration } });
    const client = await openClient(gateway.url);
    client.ws.send(JSON.stringify({ action: 'other' }));
    const frame = await client.message();
    const { connectionId, requestId } = JSON.parse(frame);
    expect(frame).toBe(
      `{"message": "Forbidden", "connectionId":"${connectionId}", "requestId":"${requestId}"}`,
    );
    expect(gateway.connectionIds()).toEqual([connectionId]);
    client.ws.close();
  });

  it('answers the Internal server error frame when the integration throws', async () => {
    const failing: Integration = async () => {
      throw new Error('boom');
    };
    gateway = await startTestGateway({ routes: { $default: failing } });
    const client = await openClient(gateway.url);
    client.ws.send('x');
    const frame = await client.message();
    const { connectionId, requestId } = JSON.parse(frame);
    expect(frame).toBe(
      `{"message": "Internal server error", "connectionId":"${connectionId}", "requestId":"${requestId}"}`,
    );
    expect(gateway.connectionIds()).toEqual([connectionId]);
    client.ws.close();
  });

  it('answers Endpoint request timed out when the integration exceeds the timeout', async () => {
    gateway = await startTestGateway({
      limits: { integrationTimeoutMs: 100 },
      routes: { $default: () => new Promise(() => undefined) },
    });
    const client = await openClient(gateway.url);
    client.ws.send('x');
    expect(await client.message(0, 1000)).toMatch(/^\{"message": "Endpoint request timed out"/);
    client.ws.close();
  });
});

describe('Two-way routes', () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it('sends the integration body back as a frame', async () => {
    gateway = await startTestGateway({
      routes: { echo: async (event) => ({ statusCode: 200, body: `echo:${event.body}` }) },
    });
    const client = await openClient(gateway.url);
    client.ws.send('{"action":"echo"}');
    expect(await client.message()).toBe('echo:{"action":"echo"}');
    client.ws.close();
  });

  it('sends a plain string result as the frame, and nothing for an empty or absent body', async () => {
    gateway = await startTestGateway({
      routes: {
        text: async () => 'plain',
        empty: async () => ({ statusCode: 200, body: '' }),
        none: async () => ({ statusCode: 200 }),
      },
    });
    const client = await openClient(gateway.url);
    client.ws.send('{"action":"empty"}');
    client.ws.send('{"action":"none"}');
    client.ws.send('{"action":"text"}');
    expect(await client.message()).toBe('plain');
    await sleep(30);
    expect(client.messages).toEqual(['plain']);
    client.ws.close();
  });

  it('sends nothing back from a route that is not two-way', async () => {
    const oneWay = recorder(() => ({ statusCode: 200, body: 'ignored' }));
    gateway = await startTestGateway({ twoWayRoutes: [], routes: { $default: oneWay.integration } });
    const client = await openClient(gateway.url);
    client.ws.send('x');
    await oneWay.event();
    await sleep(30);
    expect(client.messages).toEqual([]);
    client.ws.close();
  });

  it('invokes integrations concurrently rather than one message at a time', async () => {
    gateway = await startTestGateway({
      routes: {
        slow: async () => {
          await sleep(150);
          return { statusCode: 200, body: 'slow' };
        },
        fast: async () => ({ statusCode: 200, body: 'fast' }),
      },
    });
    const client = await openClient(gateway.url);
    client.ws.send('{"action":"slow"}');
    client.ws.send('{"action":"fast"}');
    await client.message(1, 1000);
    expect(client.messages).toEqual(['fast', 'slow']);
    client.ws.close();
  });
});
