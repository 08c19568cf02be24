import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const scrape = async () => {
  const response = await fetch(`${rt.endpoints.http}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
};

/**
 * The sum of the samples named `name` whose labels include `labels` (0 when there is none), read
 * from the text as a scraper would: `name{a="1",b="2"} value`.
 */
function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(match[3]);
  }
  return total;
}

const frames = (text: string, action: string, outcome: string) =>
  sampleSum(text, 'wavelet_frames_total', { action, outcome, stage: 'local', service: 'wavelet' });

describe('Route: GET /metrics', () => {
  it('counts a send and a publish made over real sockets, each exactly once, with their latency', async () => {
    const [alice, bob] = await Promise.all([rt.connect('alice'), rt.connect('bob')]);
    expect(await alice.request({ action: 'join', room: 'metrics' })).toMatchObject({ type: 'reply' });
    const before = await scrape();

    expect(await alice.request({ action: 'send', to: 'bob', data: { text: 'hi' } })).toMatchObject({
      type: 'reply',
    });
    expect(await alice.request({ action: 'publish', room: 'metrics', data: { text: 'all' } })).toMatchObject({
      type: 'reply',
    });
    // The function flushes its metrics before the gateway posts its reply: no wait is needed.
    const after = await scrape();

    expect(frames(after, 'send', 'ok') - frames(before, 'send', 'ok')).toBe(1);
    expect(frames(after, 'publish', 'ok') - frames(before, 'publish', 'ok')).toBe(1);
    const latencyCount = (text: string) =>
      sampleSum(text, 'wavelet_frame_latency_ms_count', { action: 'send', outcome: 'ok' });
    expect(latencyCount(after) - latencyCount(before)).toBe(1);
    expect(
      sampleSum(after, 'wavelet_frame_latency_ms_bucket', { action: 'send', outcome: 'ok', le: '+Inf' }),
    ).toBe(latencyCount(after));
    await Promise.all([alice.close(), bob.close()]);
  });

  it('counts a bad frame under its error outcome, and a frame no route took under $default', async () => {
    const carol = await rt.connect('carol');
    const before = await scrape();

    expect(await carol.request({ action: 'send', data: { text: 'to nobody' } })).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
    });
    expect(await carol.request({ action: 'fly' })).toMatchObject({ type: 'error', code: 'UNKNOWN_ACTION' });
    const after = await scrape();

    expect(frames(after, 'send', 'BAD_REQUEST') - frames(before, 'send', 'BAD_REQUEST')).toBe(1);
    expect(frames(after, 'send', 'ok') - frames(before, 'send', 'ok')).toBe(0);
    expect(frames(after, '$default', 'UNKNOWN_ACTION') - frames(before, '$default', 'UNKNOWN_ACTION')).toBe(
      1,
    );
    expect(sampleSum(after, 'wavelet_local_emf_rejected_total')).toBe(0);
    await carol.close();
  });

  it('counts HTTP requests by route and status, and prints no EMF line to the terminal', async () => {
    const written = vi.spyOn(process.stdout, 'write');
    try {
      const before = await scrape();
      expect((await fetch(`${rt.endpoints.http}/health`)).status).toBe(200);
      const after = await scrape();
      const health = (text: string) =>
        sampleSum(text, 'wavelet_http_requests_total', { route: 'GET /health', status: '200' });
      expect(health(after) - health(before)).toBe(1);
      expect(written.mock.calls.map(([chunk]) => String(chunk)).filter((c) => c.includes('"_aws"'))).toEqual(
        [],
      );
    } finally {
      written.mockRestore();
    }
  });
});
