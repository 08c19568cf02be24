import { request } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHttpApi, startHttpApi } from '../../../local/http-api/index.ts';

const staticDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/static');

describe('Function: startHttpApi', () => {
  let api: LocalHttpApi;
  const events: APIGatewayProxyEventV2[] = [];
  const lines: string[] = [];
  const capture = (result: unknown) => async (event: APIGatewayProxyEventV2) => {
    events.push(event);
    return result;
  };
  const lastEvent = () => events.at(-1)!;

  beforeAll(async () => {
    api = await startHttpApi({
      staticDir,
      log: (line) => lines.push(line),
      routes: {
        'GET /rooms/{roomId}/messages/{seq}': capture({ statusCode: 200, body: 'ok' }),
        'GET /rooms/latest/messages/{seq}': capture({ statusCode: 200, body: 'latest' }),
        'POST /echo': capture({ statusCode: 200, body: 'echo' }),
        'ANY /files/{proxy+}': capture({ statusCode: 200, body: 'file' }),
        'GET /plain': capture({ id: 7, tags: ['a'] }),
        'GET /text': capture('hello'),
        'GET /created': capture({
          statusCode: 201,
          headers: { 'Content-Type': 'text/plain', 'X-Custom': 'yes' },
          cookies: ['a=1; Path=/', 'b=2'],
          body: 'made',
        }),
        'GET /binary': capture({
          statusCode: 200,
          body: Buffer.from([0, 1, 2]).toString('base64'),
          isBase64Encoded: true,
        }),
        'GET /boom': async () => {
          throw new Error('secret detail');
        },
      },
    });
  });

  afterAll(async () => {
    await api.close();
  });

  it('builds a payload format 2.0 event', async () => {
    await fetch(`${api.url}/rooms/r%201/messages/42?limit=5&tag=a&tag=b`, {
      headers: { 'X-Trace': 'one', Cookie: 'sid=abc; theme=dark', 'User-Agent': 'vitest' },
    });
    const event = lastEvent();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /rooms/{roomId}/messages/{seq}',
      // Decoded, as AWS hands it over (hono#2156 and live captures).
      rawPath: '/rooms/r 1/messages/42',
      rawQueryString: 'limit=5&tag=a&tag=b',
      cookies: ['sid=abc', 'theme=dark'],
      queryStringParameters: { limit: '5', tag: 'a,b' },
      pathParameters: { roomId: 'r 1', seq: '42' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: `127.0.0.1:${api.port}`,
        http: {
          method: 'GET',
          path: '/rooms/r 1/messages/42',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'vitest',
        },
        routeKey: 'GET /rooms/{roomId}/messages/{seq}',
        stage: '$default',
      },
    });
    expect(event.headers['x-trace']).toBe('one');
    expect(event.headers.cookie).toBeUndefined();
    // fetch sends `connection: keep-alive`; API Gateway does not forward it, and adds its edge's headers.
    expect(event.headers.connection).toBeUndefined();
    expect(event.headers).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-port': String(api.port),
      'x-forwarded-proto': 'https',
    });
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.body).toBeUndefined();
    expect(event.requestContext.requestId).not.toBe('');
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5000);
  });

  it('leaves out query and path parameters when there are none', async () => {
    await fetch(`${api.url}/echo`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    const event = lastEvent();
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.pathParameters).toBeUndefined();
    expect(event.cookies).toBeUndefined();
    expect(event.body).toBe('{"a":1}');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes a binary body', async () => {
    await fetch(`${api.url}/echo`, {
      method: 'POST',
      body: new Uint8Array([0xff, 0x00, 0x10]),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(lastEvent()).toMatchObject({ body: '/wAQ', isBase64Encoded: true });
  });

  it('joins repeated headers with commas', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${api.url}/plain`, { headers: { 'x-multi': ['a', 'b'] } }, (res) => {
        res.resume().on('end', resolve);
      });
      req.on('error', reject).end();
    });
    expect(lastEvent().headers['x-multi']).toBe('a,b');
  });

  it('prefers fixed segments and gives {proxy+} the rest of the path', async () => {
    expect(await (await fetch(`${api.url}/rooms/latest/messages/1`)).text()).toBe('latest');
    const response = await fetch(`${api.url}/files/a/b/c.txt`, { method: 'DELETE' });
    expect(await response.text()).toBe('file');
    expect(lastEvent()).toMatchObject({
      routeKey: 'ANY /files/{proxy+}',
      pathParameters: { proxy: 'a/b/c.txt' },
    });
  });

  it('maps a result with statusCode to status, headers, cookies and body', async () => {
    const response = await fetch(`${api.url}/created`);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.text()).toBe('made');
  });

  it('decodes a base64 response body', async () => {
    const response = await fetch(`${api.url}/binary`);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2]);
  });

  it('answers any other result as 200 JSON', async () => {
    const object = await fetch(`${api.url}/plain`);
    expect(object.status).toBe(200);
    expect(object.headers.get('content-type')).toBe('application/json');
    expect(await object.json()).toEqual({ id: 7, tags: ['a'] });
    expect(await (await fetch(`${api.url}/text`)).text()).toBe('"hello"');
  });

  it('answers 404 Not Found when no route or file matches', async () => {
    const response = await fetch(`${api.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
    expect((await fetch(`${api.url}/echo`)).status).toBe(404);
  });

  it('answers 500 without the cause when the handler throws', async () => {
    const response = await fetch(`${api.url}/boom`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    expect(lines.some((line) => line.includes('secret detail'))).toBe(true);
  });

  it('answers a CORS preflight with the stack configuration, not the requested headers', async () => {
    const response = await fetch(`${api.url}/echo`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization,x-custom',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('*');
    // The deployed API allows only these two: a browser sending x-custom is refused, here too.
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(response.headers.get('access-control-max-age')).toBe('86400');
  });

  it('gives CORS headers only to allowed origins when the origins are listed', async () => {
    const listed = await startHttpApi({
      routes: { 'GET /ping': async () => ({ statusCode: 200, body: 'pong' }) },
      cors: {
        allowOrigins: ['https://chat.example.com'],
        allowMethods: ['GET'],
        allowHeaders: ['authorization'],
        maxAgeSeconds: 60,
      },
    });
    try {
      const preflight = (origin: string) =>
        fetch(`${listed.url}/ping`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET' },
        });
      const allowed = await preflight('https://chat.example.com');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://chat.example.com');
      expect(allowed.headers.get('access-control-allow-methods')).toBe('GET');
      const refused = await preflight('https://evil.example.com');
      expect(refused.status).toBe(204);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(refused.headers.get('access-control-allow-headers')).toBeNull();
      const get = await fetch(`${listed.url}/ping`, { headers: { origin: 'https://evil.example.com' } });
      expect(await get.text()).toBe('pong');
      expect(get.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await listed.close();
    }
  });

  it('serves static files with their content types and index.html for folders', async () => {
    const index = await fetch(`${api.url}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>fixture</title>');
    const css = await fetch(`${api.url}/style.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const js = await fetch(`${api.url}/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await fetch(`${api.url}/docs/`)).text()).toContain('docs');
  });

  it('serves nothing outside the static folder', async () => {
    const response = await fetch(`${api.url}/..%2f..%2fpackage.json`);
    expect(response.status).toBe(404);
  });

  it('logs one line per request', () => {
    expect(lines).toContainEqual(expect.stringMatching(/^http GET \/plain 200 \d+ms$/));
  });
});
