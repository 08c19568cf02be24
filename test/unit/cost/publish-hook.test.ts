import { describe, expect, it } from 'vitest';
import { prices } from '../../../tools/cost/prices.ts';
import { describePublishHookCost, publishHookCost } from '../../../tools/cost/publish-hook.ts';

describe('Function: publishHookCost', () => {
  it('prices one Lambda request per message, and nothing more for a hook that takes no time', () => {
    const cost = publishHookCost(prices, { hookMs: 0, waitMs: 0 });
    expect(cost.totalDollars).toBe(prices.lambdaArm64.perMillionRequests);
  });

  it('prices the hook’s duration and the caller’s wait in GB-seconds', () => {
    const cost = publishHookCost(prices, { hookMs: 10, hookMemoryMb: 1024, waitMs: 20, callerMemoryMb: 512 });
    expect(cost.hookDurationDollars).toBeCloseTo(10_000 * prices.lambdaArm64.perGbSecond, 10);
    expect(cost.waitDollars).toBeCloseTo(10_000 * prices.lambdaArm64.perGbSecond, 10);
  });

  it('says what each part costs', () => {
    expect(describePublishHookCost(publishHookCost(prices))).toMatch(
      /invocations.*duration.*waiting.*in all/,
    );
  });
});
