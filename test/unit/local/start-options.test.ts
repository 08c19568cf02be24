import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localDefaults } from '../../../local/defaults.ts';
import { readStartOptions, StartOptionError } from '../../../local/start-options.ts';

describe('Function: readStartOptions', () => {
  it('uses the local defaults when nothing is set', () => {
    expect(readStartOptions({})).toMatchObject({
      wsPort: localDefaults.wsPort,
      httpPort: localDefaults.httpPort,
      heapGrowingPercent: localDefaults.heapGrowingPercent,
      limits: undefined,
      external: undefined,
    });
  });

  it('reads ports, the idle timeout and the heap growth', () => {
    const options = readStartOptions({
      WS_PORT: '0',
      HTTP_PORT: '9081',
      IDLE_TIMEOUT_MS: '5000',
      HEAP_GROWING_PERCENT: '0',
    });
    expect(options).toMatchObject({ wsPort: 0, httpPort: 9081, limits: { idleTimeoutMs: 5000 } });
    expect(options.heapGrowingPercent).toBe(0);
  });

  it('reads PUBLISH_HOOK as a handler file relative to the working directory', () => {
    expect(readStartOptions({ PUBLISH_HOOK: 'examples/hooks/no-links.ts' }).publishHook).toBe(
      path.resolve('examples/hooks/no-links.ts'),
    );
    expect(readStartOptions({}).publishHook).toBeUndefined();
    expect(() => readStartOptions({ PUBLISH_HOOK: 'examples/hooks/missing.ts' })).toThrow(
      new StartOptionError(
        `PUBLISH_HOOK must name a handler file; there is no ${path.resolve('examples/hooks/missing.ts')}`,
      ),
    );
  });

  it.each([
    ['WS_PORT', 'eighty', 'WS_PORT must be a whole number from 0 to 65535; got "eighty"'],
    ['HTTP_PORT', '65536', 'HTTP_PORT must be a whole number from 0 to 65535; got "65536"'],
    ['IDLE_TIMEOUT_MS', '0', 'IDLE_TIMEOUT_MS must be a whole number, 1 or more; got "0"'],
    ['IDLE_TIMEOUT_MS', '1e3', 'IDLE_TIMEOUT_MS must be a whole number, 1 or more; got "1e3"'],
    ['HEAP_GROWING_PERCENT', '-5', 'HEAP_GROWING_PERCENT must be a whole number, 0 or more; got "-5"'],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => readStartOptions({ [name]: value })).toThrow(new StartOptionError(message));
  });
});
