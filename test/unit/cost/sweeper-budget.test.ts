import { describe, expect, it } from 'vitest';
import { heartbeatDefaults } from '../../../client/options.ts';
import { assumptions } from '../../../tools/cost/assumptions.ts';
import { describeSweeperBudget, sweeperBudget } from '../../../tools/cost/sweeper-budget.ts';

describe('Function: sweeperBudget', () => {
  it("keeps the sweeper's GET @connections under 1% of the account's 10,000 per second at 1,000,000 connections", () => {
    const budget = sweeperBudget(assumptions, heartbeatDefaults.lastSeenMs);
    // 1,000,000 connections of 30 minutes: 555.6 closes a second, one in ten $disconnect lost
    expect(budget.closesPerSecond).toBeCloseTo(1e6 / 1800, 6);
    expect(budget.liveGetsPerSecond).toBe(0);
    expect(budget.getsPerSecond).toBeCloseTo(55.56, 2);
    expect(budget.shareOfAccount).toBeLessThan(0.01);
    expect(budget.withinBudget).toBe(true);
    // 100 GETs a second are 18% of the closes
    expect(budget.lostShareAtBudget).toBeCloseTo(0.18, 6);
  });

  it('asks about every live connection once per horizon when last-seen moves less often than the horizon', () => {
    const budget = sweeperBudget(assumptions, 11 * 60_000);
    // 1,000,000 / (10 + 5 minutes)
    expect(budget.liveGetsPerSecond).toBeCloseTo(1e6 / 900, 6);
    expect(budget.withinBudget).toBe(false);
    expect(describeSweeperBudget(budget, assumptions)).toContain('OVER');
  });

  it("holds the SDK's defaults inside the sweeper's horizon and API Gateway's idle timeout", () => {
    expect(heartbeatDefaults.heartbeatMs).toBeLessThan(10 * 60_000);
    expect(heartbeatDefaults.lastSeenMs).toBeLessThan(assumptions.sweeper.idleMinutes * 60_000);
    // A lost $disconnect leaves presence within the horizon and one schedule period of the last ping.
    expect(assumptions.sweeper.idleMinutes + assumptions.sweeper.rateMinutes).toBeLessThanOrEqual(15);
  });
});
