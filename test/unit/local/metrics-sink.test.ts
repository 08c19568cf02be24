import { afterEach, describe, expect, it, vi } from 'vitest';
import { count, flushMetrics } from '../../../lambdas/core/metrics.ts';
import { installMetricsSink } from '../../../local/metrics/index.ts';

const slot = Symbol.for('wavelet.metrics.sink');
const installed = () => (globalThis as Record<symbol, unknown>)[slot];

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[slot];
  vi.restoreAllMocks();
});

describe('Function: installMetricsSink', () => {
  it('takes the EMF lines of the functions instead of standard output until it is uninstalled', () => {
    const lines: string[] = [];
    const written = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const uninstall = installMetricsSink((line) => lines.push(line));
    count('RateLimited');
    flushMetrics();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ RateLimited: 1 });
    expect(written).not.toHaveBeenCalled();

    uninstall();
    expect(installed()).toBeUndefined();
    count('RateLimited');
    flushMetrics();
    expect(lines).toHaveLength(1);
    expect(written).toHaveBeenCalledTimes(1);
  });

  it('leaves in place a sink installed after it', () => {
    const first = installMetricsSink(() => undefined);
    const second = () => undefined;
    installMetricsSink(second);
    first();
    expect(installed()).toBe(second);
  });
});
