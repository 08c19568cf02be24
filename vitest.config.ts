import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration files each start their own runtime on free ports; two cores, so keep it modest.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
