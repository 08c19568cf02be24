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

  it('prices the reads of a run over every last-seen record, and fits the run in the function timeout', () => {
    const budget = sweeperBudget(assumptions, heartbeatDefaults.lastSeenMs);
    // 1,000,000 records of 165 bytes: 40,283 blocks of 4 KB, half a unit each (eventually consistent)
    expect(budget.readUnitsPerRun).toBeCloseTo(20_142, 0);
    expect(budget.dollarsPerRun).toBeCloseTo(0.002518, 6);
    // A run covers 5 minutes of 1,000,000 connections
    expect(budget.readDollarsPerMillionConnectionMinutes).toBeCloseTo(0.000504, 6);
    expect(budget.pagesPerRun).toBe(1000);
    // 250 pages in sequence at 20 ms, and 16,667 checks 32 at a time at 50 ms: 5 s + 26 s
    expect(budget.estimatedRunSeconds).toBeCloseTo(31.04, 2);
    expect(budget.fitsTimeout).toBe(true);
    expect(describeSweeperBudget(budget, assumptions)).toContain('20,100 read units ($0.00252 a run');
  });

  it("holds the SDK's defaults inside the sweeper's horizon and API Gateway's idle timeout", () => {
    expect(heartbeatDefaults.heartbeatMs).toBeLessThan(10 * 60_000);
    expect(heartbeatDefaults.lastSeenMs).toBeLessThan(assumptions.sweeper.idleMinutes * 60_000);
    // A lost $disconnect leaves presence within the horizon and one schedule period of the last ping.
    expect(assumptions.sweeper.idleMinutes + assumptions.sweeper.rateMinutes).toBeLessThanOrEqual(15);
  });
});
