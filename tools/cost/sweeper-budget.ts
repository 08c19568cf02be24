import type { Assumptions } from './assumptions.ts';

/** The sweeper's `GET @connections` calls at scale, against API Gateway's account rate. */
export interface SweeperBudget {
  readonly connections: number;
  /** Connections closing per second (each session ends once). */
  readonly closesPerSecond: number;
  /** GETs per second for the closes whose `$disconnect` was lost (one each: it answers 410). */
  readonly lostDisconnectGetsPerSecond: number;
  /** GETs per second for live connections the sweeper lists because their last-seen went stale. */
  readonly liveGetsPerSecond: number;
  readonly getsPerSecond: number;
  /** Of the account's requests per second (shared by every API Gateway API and `@connections` call). */
  readonly shareOfAccount: number;
  readonly withinBudget: boolean;
  /** The share of lost `$disconnect`s at which the GETs would reach the budget. */
  readonly lostShareAtBudget: number;
}

/**
 * What the sweeper asks API Gateway at `connections` open connections. A live client pings at
 * least every `lastSeenMs` and each ping moves last-seen (a ping is rarer than
 * LAST_SEEN_WRITE_INTERVAL_MS), so when `lastSeenMs` is under the sweeper's idle horizon no live
 * connection is listed and only the lost `$disconnect`s are asked about; otherwise every live
 * connection is asked about once per horizon and schedule period.
 */
export function sweeperBudget(assumptions: Assumptions, lastSeenMs: number): SweeperBudget {
  const s = assumptions.sweeper;
  const closesPerSecond = s.connections / (assumptions.sessionMinutes * 60);
  const lostDisconnectGetsPerSecond = closesPerSecond * s.lostDisconnectShare;
  const refreshedInTime =
    lastSeenMs < s.idleMinutes * 60_000 && assumptions.lastSeenWriteIntervalMs <= lastSeenMs;
  const liveGetsPerSecond = refreshedInTime ? 0 : s.connections / ((s.idleMinutes + s.rateMinutes) * 60);
  const getsPerSecond = lostDisconnectGetsPerSecond + liveGetsPerSecond;
  const budget = s.accountRequestsPerSecond * s.maxShareOfAccount;
  return {
    connections: s.connections,
    closesPerSecond,
    lostDisconnectGetsPerSecond,
    liveGetsPerSecond,
    getsPerSecond,
    shareOfAccount: getsPerSecond / s.accountRequestsPerSecond,
    withinBudget: getsPerSecond < budget,
    lostShareAtBudget: Math.max(0, budget - liveGetsPerSecond) / closesPerSecond,
  };
}

/** One paragraph for `npm run cost`. */
export function describeSweeperBudget(b: SweeperBudget, assumptions: Assumptions): string {
  const s = assumptions.sweeper;
  const n = (x: number) => Number(x.toPrecision(3)).toLocaleString('en-US');
  return (
    `sweeper budget at ${b.connections.toLocaleString('en-US')} connections: ${n(b.closesPerSecond)} closes a second, ` +
    `${s.lostDisconnectShare * 100}% of their $disconnect assumed lost: ${n(b.lostDisconnectGetsPerSecond)} GET @connections a second, ` +
    `plus ${n(b.liveGetsPerSecond)} for live connections (the SDK moves last-seen more often than the ${s.idleMinutes}-minute horizon): ` +
    `${n(b.getsPerSecond)} a second, ${n(b.shareOfAccount * 100)}% of the account's ${s.accountRequestsPerSecond.toLocaleString('en-US')} ` +
    `requests per second (budget ${s.maxShareOfAccount * 100}%: ${b.withinBudget ? 'within' : 'OVER'}; it would take ` +
    `${n(b.lostShareAtBudget * 100)}% of $disconnects lost to reach it)\n`
  );
}
