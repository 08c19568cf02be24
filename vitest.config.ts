import { defineConfig } from 'vitest/config';
import LongestFirst from './test/sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // The slow files first (test/durations.json), so both workers end together.
    sequence: { sequencer: LongestFirst },
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration files each start their own runtime on free ports; two cores, so keep it modest
    // (three workers made the heartbeat's timing test fail).
    maxWorkers: 2,
    minWorkers: 1,
    // Node 20 is what these machines run; the SDK's notice about it would repeat in every file.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
