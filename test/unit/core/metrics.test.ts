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

describe('Function: flushMetrics', () => {
  const sinkOf = (lines: string[]) => (line: string) => lines.push(line);
  const withSink = async (run: (metrics: typeof import('../../../lambdas/core/metrics.ts')) => unknown) => {
    const metrics = await import('../../../lambdas/core/metrics.ts');
    const lines: string[] = [];
    const global = globalThis as Record<symbol, unknown>;
    global[metrics.metricsSinkSymbol] = sinkOf(lines);
    try {
      await run(metrics);
    } finally {
      delete global[metrics.metricsSinkSymbol];
    }
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it('sums a counter and keeps every value of a timing, one document per dimension group', async () => {
    const docs = await withSink(({ count, observe, flushMetrics }) => {
      count('Deliveries', 2, { outcome: 'ok' });
      count('Deliveries', 3, { outcome: 'ok' });
      count('Deliveries', 1, { outcome: 'gone' });
      observe('FanoutDuration', 4, { kind: 'room' });
      observe('FanoutDuration', 6, { kind: 'room' });
      count('InternalErrors', 0);
      flushMetrics();
    });
    expect(docs).toEqual([
      expect.objectContaining({ Deliveries: 5, outcome: 'ok', stage: 'test', service: 'wavelet' }),
      expect.objectContaining({ Deliveries: 1, outcome: 'gone' }),
      expect.objectContaining({ FanoutDuration: [4, 6], kind: 'room' }),
    ]);
    expect(docs.some((d) => 'InternalErrors' in d)).toBe(false);
  });

  it('writes 250 values of one timing to the sink in documents of at most 99, none to standard output', async () => {
    const stdout: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    const docs = await withSink(({ observe, flushMetrics }) => {
      for (let i = 0; i < 250; i++) observe('FrameLatency', i, { action: 'send', outcome: 'ok' });
      flushMetrics();
    });
    expect(stdout.filter((l) => l.includes('"_aws"'))).toEqual([]);
    const values = docs.map((d) => d.FrameLatency as number[]);
    expect(values.map((v) => v.length)).toEqual([99, 99, 52]);
    expect(values.flat()).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('keeps the stage it read at cold start when the environment changes later', async () => {
    process.env.STAGE = 'changed';
    const docs = await withSink(({ count, flushMetrics }) => {
      count('ConnectionsOpened');
      flushMetrics();
    });
    process.env.STAGE = 'test';
    expect(docs).toEqual([expect.objectContaining({ ConnectionsOpened: 1, stage: 'test' })]);
  });

  it('flushes what a wrapped entry point counted, also when it throws', async () => {
    const docs = await withSink(async ({ count, flushingMetrics }) => {
      const handler = flushingMetrics(async () => {
        count('InternalErrors');
        throw new Error('boom');
      });
      await expect(handler()).rejects.toThrow('boom');
    });
    expect(docs).toEqual([expect.objectContaining({ InternalErrors: 1 })]);
  });

  it('writes nothing when POWERTOOLS_METRICS_DISABLED is true at cold start', async () => {
    vi.resetModules();
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    try {
      const docs = await withSink(({ count, flushMetrics }) => {
        count('ConnectionsOpened');
        flushMetrics();
      });
      expect(docs).toEqual([]);
    } finally {
      process.env.POWERTOOLS_METRICS_DISABLED = 'false';
      vi.resetModules();
    }
  });
});

describe('Function: metricsSettingsOf', () => {
  it('reads namespace, service, stage and the switch, with their defaults', async () => {
    const { metricsSettingsOf } = await import('../../../lambdas/core/metrics.ts');
    expect(metricsSettingsOf({})).toEqual({
      namespace: 'Wavelet',
      service: 'wavelet',
      stage: 'dev',
      disabled: false,
    });
    expect(
      metricsSettingsOf({
        POWERTOOLS_METRICS_NAMESPACE: 'Ns',
        POWERTOOLS_SERVICE_NAME: 'svc',
        STAGE: 'prod',
        POWERTOOLS_METRICS_DISABLED: 'TRUE',
      }),
    ).toEqual({ namespace: 'Ns', service: 'svc', stage: 'prod', disabled: true });
    expect(metricsSettingsOf({ POWERTOOLS_METRICS_DISABLED: 'false' }).disabled).toBe(false);
  });
});
