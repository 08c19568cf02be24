import os from 'node:os';
import { Histogram, type HistogramSnapshot } from '../shared/histogram.ts';
import type { SeriesPoint } from './coordinator.ts';
import type { DeliveryCounts } from './delivery-ledger.ts';
import type { LoadTestOptions } from './options.ts';
import type { SeqCounts } from './seq-ledger.ts';
import type { GeneratorLoad, MergedResult, Tally } from './worker-result.ts';

/** Percentiles of a histogram, in milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** The JSON report (`--out`): everything the run measured. */
export interface LoadTestReport {
  readonly tool: 'wavelet-loadtest';
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly scenario: LoadTestOptions['scenario'];
  readonly url: string;
  /** The options in force, the token secret left out. */
  readonly options: Record<string, unknown>;
  readonly machine: {
    cpus: number;
    cpuModel: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
    node: string;
  };
  readonly connections: MergedResult['connections'] & { handshakeMs: Percentiles; readyMs: Percentiles };
  readonly throughput: {
    sent: number;
    rejected: number;
    sendWindowSeconds: number;
    sentPerSecond: number;
    received: number;
    deliveredPerSecond: number;
  };
  readonly latencyMs: Percentiles;
  /** Percentile answers are within this share of the true value (the histogram's bucket error). */
  readonly latencyRelativeError: number;
  readonly heartbeatMs: Percentiles & { sent: number; answered: number };
  readonly deliveries: DeliveryCounts;
  readonly seq?: SeqCounts;
  readonly errors: { byCode: Tally; rateLimited: number; closeCodes: Tally; handshake: Tally };
  readonly generator: { processes: readonly GeneratorLoad[]; bottleneck: boolean };
  readonly warnings: readonly string[];
  /** `--p99-target`: the end-to-end latency p99 the run had to hold, and whether it did. */
  readonly latencyTarget?: { readonly p99Ms: number; readonly measuredP99Ms: number; readonly met: boolean };
  /**
   * No lost or duplicated delivery, no failed or dropped connection, no refused send, no error
   * frame, and the latency target held when one was given.
   */
  readonly ok: boolean;
  /** Why the run is not OK, one reason each; empty when it is. */
  readonly failures: readonly string[];
  readonly series: readonly SeriesPoint[];
  readonly latencyHistogramUs: HistogramSnapshot;
}

export function percentilesMs(snapshot: HistogramSnapshot): Percentiles {
  const h = Histogram.fromSnapshot(snapshot);
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: h.count,
    min: ms(h.count ? h.min : 0),
    mean: ms(h.mean),
    p50: ms(h.valueAt(0.5)),
    p90: ms(h.valueAt(0.9)),
    p99: ms(h.valueAt(0.99)),
    p999: ms(h.valueAt(0.999)),
    max: ms(h.max),
  };
}

export interface ReportInput {
  readonly options: LoadTestOptions;
  readonly url: string;
  readonly merged: MergedResult;
  readonly series: readonly SeriesPoint[];
  readonly startedAt: Date;
  readonly loadAverageStart: number[];
  readonly warnings: readonly string[];
}

export function buildReport(input: ReportInput): LoadTestReport {
  const { options, merged: m } = input;
  const windowS = Math.max(m.sendWindowMs / 1000, options.durationMs / 1000);
  const round = (x: number) => Math.round(x * 10) / 10;
  const { tokenSecret: _secret, help: _help, ...shown } = options;
  const warnings = [...input.warnings, ...generatorWarnings(m.generators, options.lagWarnMs)];
  const rateLimited = m.errors.RATE_LIMITED ?? 0;
  if (rateLimited > 0)
    warnings.push(
      `${rateLimited} frames were answered RATE_LIMITED (20 frames/s per user and action, burst 40; 30 frames/s per user in all)`,
    );
  const c = m.connections;
  const latencyMs = percentilesMs(m.latencyUs);
  const latencyTarget =
    options.p99TargetMs === undefined
      ? undefined
      : {
          p99Ms: options.p99TargetMs,
          measuredP99Ms: latencyMs.p99,
          // An empty histogram holds no target: a run that measured nothing proves nothing.
          met: latencyMs.count > 0 && latencyMs.p99 <= options.p99TargetMs,
        };
  const failures = runFailures(m, latencyTarget);
  return {
    tool: 'wavelet-loadtest',
    version: 1,
    startedAt: input.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    scenario: options.scenario,
    url: input.url.replace(/([?&](token|ticket)=)[^&]*/g, '$1…'),
    options: shown,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverageStart: input.loadAverageStart,
      loadAverageEnd: os.loadavg().map(round),
      node: process.version,
    },
    connections: { ...c, handshakeMs: percentilesMs(m.handshakeUs), readyMs: percentilesMs(m.readyUs) },
    throughput: {
      sent: m.sent,
      rejected: m.rejected,
      sendWindowSeconds: round(windowS),
      sentPerSecond: round(m.sent / windowS),
      received: m.received,
      deliveredPerSecond: round(m.deliveries.delivered / windowS),
    },
    latencyMs,
    latencyRelativeError: Histogram.fromSnapshot(m.latencyUs).relativeError,
    heartbeatMs: { ...percentilesMs(m.heartbeatUs), ...m.heartbeats },
    deliveries: m.deliveries,
    seq: m.seq,
    errors: { byCode: m.errors, rateLimited, closeCodes: m.closeCodes, handshake: m.handshakeFailures },
    generator: {
      processes: m.generators,
      bottleneck: warnings.some((w) => w.startsWith('the load generator')),
    },
    warnings,
    latencyTarget,
    ok: failures.length === 0,
    failures,
    series: input.series,
    latencyHistogramUs: m.latencyUs,
  };
}

/** The reasons a run is not OK, in the order the summary lists them. */
function runFailures(m: MergedResult, target: LoadTestReport['latencyTarget']): string[] {
  const failures: string[] = [];
  const d = m.deliveries;
  if (d.lost > 0) failures.push(`${d.lost} deliveries lost`);
  if (d.duplicated > 0) failures.push(`${d.duplicated} deliveries duplicated`);
  if ((m.seq?.lost ?? 0) > 0) failures.push(`${m.seq?.lost} room entries lost (by seq)`);
  if ((m.seq?.duplicated ?? 0) > 0) failures.push(`${m.seq?.duplicated} room entries duplicated (by seq)`);
  if (m.connections.failed > 0) failures.push(`${m.connections.failed} connections failed`);
  if (m.connections.closedEarly > 0) failures.push(`${m.connections.closedEarly} connections closed early`);
  if (m.rejected > 0) failures.push(`${m.rejected} sends refused`);
  if (Object.keys(m.errors).length > 0) {
    failures.push(`${Object.values(m.errors).reduce((n, v) => n + v, 0)} error frames`);
  }
  if (target && !target.met) {
    failures.push(
      target.measuredP99Ms === 0 && m.latencyUs.count === 0
        ? `no latency measured, so the ${target.p99Ms} ms p99 target is not shown to hold`
        : `latency p99 ${target.measuredP99Ms} ms over the ${target.p99Ms} ms target`,
    );
  }
  return failures;
}

/** Says when the generator's own process limited the run (its latencies then include its delays). */
export function generatorWarnings(generators: readonly GeneratorLoad[], lagWarnMs: number): string[] {
  const warnings: string[] = [];
  for (const g of generators) {
    if (g.lagP99Ms > lagWarnMs) {
      warnings.push(
        `the load generator is the bottleneck: process ${g.worker} had an event-loop lag p99 of ${g.lagP99Ms} ms ` +
          `(over ${lagWarnMs} ms); latencies include it. Use more --processes or fewer connections per process`,
      );
    } else if (g.cpuPercent > 90) {
      warnings.push(
        `the load generator is the bottleneck: process ${g.worker} used ${g.cpuPercent}% of a core; use more --processes`,
      );
    }
  }
  return warnings;
}
