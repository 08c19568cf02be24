import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebSocketEvent } from '../../../lambdas/core/ws-event.ts';

// Metrics read their settings when the module loads: enable them before importing the route.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'WaveletTest';
process.env.POWERTOOLS_SERVICE_NAME = 'wavelet';
process.env.STAGE = 'test';
// The one variable a function needs at cold start; this route reaches no table.
process.env.TABLE_NAME = 'table';

let handler: (event: WebSocketEvent) => Promise<unknown>;

beforeAll(async () => {
  const { pingFrame } = await import('../../../protocol/client-frames.ts');
  const { wsRoute } = await import('../../../lambdas/core/ws-route.ts');
  handler = wsRoute(pingFrame, async () => ({ result: {} })) as never;
});
afterEach(() => vi.restoreAllMocks());

const event = (body: string) =>
  ({
    body,
    requestContext: {
      routeKey: 'ping',
      requestId: 'req-1',
      connectionId: 'c1',
      authorizer: { userId: 'u1' },
    },
  }) as unknown as WebSocketEvent;

/** The embedded-metric-format lines the invocation wrote to standard output. */
async function emfLinesOf(run: () => Promise<unknown>) {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  await run();
  vi.restoreAllMocks();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map(
      (l) =>
        JSON.parse(l) as Record<string, unknown> & {
          _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
        },
    );
}

describe('Metrics: route errors', () => {
  it('writes a Frames count with the error code and a latency in embedded metric format for a bad frame', async () => {
    const emf = await emfLinesOf(() => handler(event('{"action":"ping","ref":7}')));
    expect(emf).toHaveLength(1);
    const [line] = emf;
    const [directive] = line?._aws.CloudWatchMetrics ?? [];
    expect(directive?.Namespace).toBe('WaveletTest');
    expect(directive?.Metrics).toEqual([
      { Name: 'Frames', Unit: 'Count' },
      { Name: 'FrameLatency', Unit: 'Milliseconds' },
    ]);
    expect(line).toMatchObject({
      Frames: 1,
      action: 'ping',
      outcome: 'BAD_REQUEST',
      stage: 'test',
      service: 'wavelet',
    });
    expect(typeof line?.FrameLatency).toBe('number');
  });

  it('counts a frame that succeeds as outcome ok', async () => {
    const emf = await emfLinesOf(() => handler(event('{"action":"ping","ref":"a"}')));
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ Frames: 1, action: 'ping', outcome: 'ok' });
  });
});
