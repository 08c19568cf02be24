import type { Assumptions } from './assumptions.ts';
import { prices } from './prices.ts';

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
  /** What one run reads: every last-seen record, eventually consistent (half a unit per 4 KB). */
  readonly readUnitsPerRun: number;
  readonly dollarsPerRun: number;
  /** The reads' price per million connection-minutes (a run covers `rateMinutes` of every connection). */
  readonly readDollarsPerMillionConnectionMinutes: number;
  /** Query pages a run reads, and its estimated time: pages in sequence per shard, then the checks. */
  readonly pagesPerRun: number;
  readonly estimatedRunSeconds: number;
  /** Whether a run fits the function's timeout; if not, a run stops at its deadline and the next goes on. */
  readonly fitsTimeout: boolean;
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
  const readUnitsPerRun = ((s.connections * s.seenRecordBytes) / 4096) * 0.5;
  const dollarsPerRun = (readUnitsPerRun * prices.dynamoDbOnDemand.perMillionReadRequestUnits) / 1e6;
  const pagesPerRun = Math.ceil(s.connections / s.seenPageSize);
  const checksPerRun = getsPerSecond * s.rateMinutes * 60;
  const estimatedRunSeconds =
    ((pagesPerRun / s.shardsAtOnce) * s.queryMs + (checksPerRun / s.checksAtOnce) * s.checkMs) / 1000;
  return {
    connections: s.connections,
    closesPerSecond,
    lostDisconnectGetsPerSecond,
    liveGetsPerSecond,
    getsPerSecond,
    shareOfAccount: getsPerSecond / s.accountRequestsPerSecond,
    withinBudget: getsPerSecond < budget,
    lostShareAtBudget: Math.max(0, budget - liveGetsPerSecond) / closesPerSecond,
    readUnitsPerRun,
    dollarsPerRun,
    readDollarsPerMillionConnectionMinutes: (dollarsPerRun / (s.connections * s.rateMinutes)) * 1e6,
    pagesPerRun,
    estimatedRunSeconds,
    fitsTimeout: estimatedRunSeconds <= s.runSeconds,
  };
}

/** One paragraph for `npm run cost`. */
export function describeSweeperBudget(b: SweeperBudget, assumptions: Assumptions): string {
  const s = assumptions.sweeper;
  const n = (x: number) => Number(x.toPrecision(3)).toLocaleString('en-US');
  const usd = (x: number) => `$${Number(x.toPrecision(3))}`;
  return (
    `sweeper budget at ${b.connections.toLocaleString('en-US')} connections: ${n(b.closesPerSecond)} closes a second, ` +
    `${s.lostDisconnectShare * 100}% of their $disconnect assumed lost: ${n(b.lostDisconnectGetsPerSecond)} GET @connections a second, ` +
    `plus ${n(b.liveGetsPerSecond)} for live connections (the SDK moves last-seen more often than the ${s.idleMinutes}-minute horizon): ` +
    `${n(b.getsPerSecond)} a second, ${n(b.shareOfAccount * 100)}% of the account's ${s.accountRequestsPerSecond.toLocaleString('en-US')} ` +
    `requests per second (budget ${s.maxShareOfAccount * 100}%: ${b.withinBudget ? 'within' : 'OVER'}; it would take ` +
    `${n(b.lostShareAtBudget * 100)}% of $disconnects lost to reach it)\n` +
    `sweeper reads at ${b.connections.toLocaleString('en-US')} connections: every last-seen record each ${s.rateMinutes} minutes, ` +
    `${n(b.pagesPerRun)} pages, ${n(b.readUnitsPerRun)} read units (${usd(b.dollarsPerRun)} a run, ` +
    `${usd(b.readDollarsPerMillionConnectionMinutes)} per million connection-minutes); a run takes about ` +
    `${n(b.estimatedRunSeconds)} s of its ${s.runSeconds} s (${b.fitsTimeout ? 'fits' : 'does NOT fit: it stops at its deadline and the next run goes on'})\n`
  );
}
