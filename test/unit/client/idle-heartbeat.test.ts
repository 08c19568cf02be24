import { describe, expect, it } from 'vitest';
import { heartbeatDefaults } from '../../../client/options.ts';
import { measureIdleHeartbeat } from '../../../tools/bench/ping-idle.ts';

describe('Function: measureIdleHeartbeat', () => {
  it("counts the SDK's idle frames with its defaults: a ping and its reply per 8 minutes, a dead socket dropped after 8 minutes 10 seconds", async () => {
    const figures = await measureIdleHeartbeat({ minutes: 80 });
    expect(figures.pingsPerMinute).toBeCloseTo(60_000 / heartbeatDefaults.heartbeatMs, 12);
    expect(figures.framesInPerMinute).toBeCloseTo(0.125, 12);
    expect(figures.framesOutPerMinute).toBeCloseTo(0.125, 12);
    expect(figures.longestSilenceMs).toBeLessThan(10 * 60_000);
    expect(figures.deadSocketDetectedMs).toBe(490_000);
  });
});
