import { type Config, parseConfig } from '../../lambdas/core/config.ts';

/**
 * A function configuration for unit tests: every resource variable set to a short name (the
 * fakes match on them), the tunables at their defaults, then `overrides`.
 *
 * @example
 * const config = testConfig({ SWEEP_IDLE_SECONDS: 60 });
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const resources = {
    TABLE_NAME: 'table',
    DELIVERIES_QUEUE_URL: 'deliveries',
    NOTIFICATIONS_QUEUE_URL: 'notifications',
    DELIVERIES_DLQ_URL: 'deliveries-dlq',
    NOTIFICATIONS_DLQ_URL: 'notifications-dlq',
    MANAGEMENT_ENDPOINT: 'http://127.0.0.1:1/test',
  };
  return { ...parseConfig(resources), ...overrides };
}
