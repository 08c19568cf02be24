import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../../../lib/manifest.ts';
import { createPageBundle } from '../../../local/web/page-bundle.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { TestSocket } from '../../helpers/socket.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const post = (path: string, body: string | undefined, headers: Record<string, string> = {}) =>
  fetch(`${rt.endpoints.http}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('Route: POST /dev/token', () => {
  it('issues a development token that the HTTP API and the WebSocket API accept', async () => {
    const response = await post('/dev/token', JSON.stringify({ user: 'alice' }));
    expect(response.status).toBe(201);
    const { token, user, expiresAt } = (await response.json()) as Record<string, unknown>;
    expect(user).toBe('alice');
    expect(expiresAt).toBeGreaterThan(Date.now());
    const claims = decodeJwt(String(token));
    expect(claims.sub).toBe('alice');
    expect(claims.roles).toEqual([]);

    const tickets = await post('/tickets', undefined, { authorization: `Bearer ${token}` });
    expect(tickets.status).toBe(201);
    const { ticket } = (await tickets.json()) as { ticket: string };
    const socket = await TestSocket.open(`${rt.endpoints.websocket}?ticket=${ticket}`);
    const reply = await socket.request({ action: 'send', to: 'alice', data: { text: 'note to self' } });
    expect(reply).toMatchObject({ type: 'reply', result: { messageId: expect.any(String) } });
    await socket.close();
  });

  it('answers 400 BAD_REQUEST without a usable user name, and issues nothing', async () => {
    for (const body of [
      undefined,
      'not json',
      '[]',
      '{}',
      '{"user":7}',
      '{"user":"  "}',
      JSON.stringify({ user: 'x'.repeat(129) }),
    ]) {
      const response = await post('/dev/token', body);
      const answer = (await response.json()) as { token?: string; error?: { code: string } };
      expect([body, response.status, answer.error?.code, answer.token]).toEqual([
        body,
        400,
        'BAD_REQUEST',
        undefined,
      ]);
    }
  });

  it('is a local route only: the manifest, which deploys, has none of the page routes', () => {
    const deployed = Object.keys(httpApi.routes);
    expect(deployed.filter((key) => key.includes('/dev/') || key.includes('/app.js'))).toEqual([]);
  });
});

describe('The chat page files', () => {
  it('serves the page at / and its stylesheet, and the configuration naming the WebSocket URL', async () => {
    const page = await fetch(`${rt.endpoints.http}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');

    const css = await fetch(`${rt.endpoints.http}/style.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);

    const config = await fetch(`${rt.endpoints.http}/dev/config`);
    expect(await config.json()).toEqual({ websocket: rt.endpoints.websocket });
  });
});

describe('Route: GET /app.js', () => {
  it('serves the page script bundled with the SDK, and its source map', async () => {
    const script = await fetch(`${rt.endpoints.http}/app.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([
      200,
      'text/javascript; charset=utf-8',
    ]);
    const code = await script.text();
    expect(code).toContain('var WaveletClient = class');
    expect(code).not.toMatch(/^import /m);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=app.js.map')).toBe(true);

    const map = (await (await fetch(`${rt.endpoints.http}/app.js.map`)).json()) as { sources: string[] };
    expect(map.sources).toEqual(expect.arrayContaining(['../client/client.ts', 'main.ts']));
  });
});

describe('Function: createPageBundle', () => {
  it('rebuilds on every request, so edits show, and reports a broken file with its line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wavelet-page-'));
    const entryPoint = path.join(dir, 'main.ts');
    const bundle = createPageBundle({ entryPoint });
    try {
      await writeFile(entryPoint, "document.title = 'first';\n");
      expect(await bundle.build()).toMatchObject({ ok: true, code: expect.stringContaining('"first"') });
      await writeFile(entryPoint, "document.title = 'second';\n");
      expect(await bundle.build()).toMatchObject({ ok: true, code: expect.stringContaining('"second"') });
      await writeFile(entryPoint, 'const broken = ;\n');
      const failed = await bundle.build();
      expect(failed).toMatchObject({ ok: false, errors: expect.stringContaining('main.ts:1:') });
    } finally {
      await bundle.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
