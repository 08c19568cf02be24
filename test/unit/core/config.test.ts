import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeps } from '../../../lambdas/core/clients.ts';
import {
  ConfigError,
  getConfig,
  parseConfig,
  requireResource,
  resetConfig,
} from '../../../lambdas/core/config.ts';
import { type FunctionSpec, functions } from '../../../lib/manifest.ts';
import { testConfig } from '../../helpers/config.ts';

const root = path.resolve(import.meta.dirname, '../../..');

afterEach(() => {
  vi.unstubAllEnvs();
  resetConfig();
});

describe('Function: parseConfig', () => {
  it('fails naming TABLE_NAME when it is not set', () => {
    expect(() => parseConfig({})).toThrow('Invalid configuration: TABLE_NAME is not set');
  });

  it('names every missing or bad variable in one error', () => {
    let error: unknown;
    try {
      parseConfig({ DELIVERY_RETRIES: '-1', MAX_DATA_BYTES: 'lots' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['TABLE_NAME', 'MAX_DATA_BYTES', 'DELIVERY_RETRIES']);
    expect((error as Error).message).toMatch(/TABLE_NAME is not set; MAX_DATA_BYTES: .*; DELIVERY_RETRIES: /);
  });

  it('rejects an empty TABLE_NAME', () => {
    expect(() => parseConfig({ TABLE_NAME: '' })).toThrow('TABLE_NAME is empty');
  });

  it('keeps the defaults of tunables and leaves unset resources undefined', () => {
    const config = parseConfig({ TABLE_NAME: 'table' });
    expect(config).toMatchObject({ TABLE_NAME: 'table', DELIVERY_CONCURRENCY: 32, DELIVERY_RETRIES: 3 });
    expect(config.MANAGEMENT_ENDPOINT).toBeUndefined();
    expect(config.DELIVERIES_QUEUE_URL).toBeUndefined();
  });
});

describe('Function: getConfig', () => {
  it('throws at the first read when the environment lacks TABLE_NAME', () => {
    vi.stubEnv('TABLE_NAME', undefined);
    expect(() => getConfig()).toThrow(/TABLE_NAME is not set/);
  });

  it('reads the environment once', () => {
    vi.stubEnv('TABLE_NAME', 'first');
    expect(getConfig().TABLE_NAME).toBe('first');
    vi.stubEnv('TABLE_NAME', 'second');
    expect(getConfig().TABLE_NAME).toBe('first');
  });
});

describe('Function: requireResource', () => {
  it('returns the value of a variable that is set', () => {
    expect(requireResource(testConfig(), 'DELIVERIES_QUEUE_URL')).toBe('deliveries');
  });

  it('fails naming the variable the function was not given', () => {
    const config = parseConfig({ TABLE_NAME: 'table' });
    expect(() => requireResource(config, 'DELIVERIES_QUEUE_URL')).toThrow(
      'Invalid configuration: DELIVERIES_QUEUE_URL is not set',
    );
  });
});

describe('Function: createDeps', () => {
  it('builds clients without MANAGEMENT_ENDPOINT and fails each management call naming it', async () => {
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    const deps = createDeps(parseConfig({ TABLE_NAME: 'table' }));
    expect(() => deps.posts.post('c1', '{}')).toThrow(/MANAGEMENT_ENDPOINT is not set/);
    await expect(deps.management.send(new GetConnectionCommand({ ConnectionId: 'c1' }))).rejects.toThrow(
      /MANAGEMENT_ENDPOINT is not set/,
    );
    deps.management.destroy();
  });
});

describe('Manifest: functions and the config', () => {
  it('binds every function that reads the config to the table, the one variable required at cold start', async () => {
    for (const [name, spec] of Object.entries(functions) as [string, FunctionSpec][]) {
      const bound = Boolean(spec.items?.length || spec.indexes);
      if (bound) continue;
      // A function with no table reads no config at all.
      const source = await readFile(path.join(root, spec.entry), 'utf8');
      expect(source, name).not.toMatch(/clients\.ts|config\.ts/);
    }
  });
});
