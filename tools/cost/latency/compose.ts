import type { LatencyFigure } from './figures.ts';

/** A p50 and a p99, in milliseconds. */
export interface Estimate {
  readonly p50: number;
  readonly p99: number;
}

/** One AWS call a traced invoke made, timed by the local runtime (`performance.now()`). */
export interface TracedCall {
  readonly service: string;
  readonly command: string;
  readonly start: number;
  readonly end: number;
}

/** One invoke of a function and the AWS calls it made, as the local runtime traced it. */
export interface TracedInvocation {
  readonly fn: string;
  readonly start: number;
  readonly end: number;
  readonly calls: readonly TracedCall[];
}

/** The standard normal quantile at 0.99. */
const z99 = 2.326_347_874;

/**
 * A step's latency as a log-normal distribution through its p50 and p99 (latencies are skewed
 * to the right and never negative); a step with p50 = p99 is a constant, and 0 is no step.
 */
interface LogNormal {
  readonly mu: number;
  readonly sigma: number;
}

const logNormalOf = (e: Estimate): LogNormal => ({
  mu: Math.log(e.p50),
  sigma: Math.max(0, Math.log(e.p99 / e.p50) / z99),
});
const quantileOf = (d: LogNormal, z: number) => Math.exp(d.mu + z * d.sigma);

/**
 * Steps one after another, independent of each other: the sum of their log-normals, fitted to a
 * log-normal by its mean and variance (Fenton-Wilkinson). The p50s and p99s do not simply add:
 * eleven steps are rarely all at their p99 at once. See {@link sequentialBound} for when they are.
 */
export function sequential(...steps: readonly Estimate[]): Estimate {
  const present = steps.filter((s) => s.p99 > 0);
  if (present.length === 0) return { p50: 0, p99: 0 };
  if (present.length === 1) return present[0] as Estimate;
  let mean = 0;
  let variance = 0;
  for (const step of present) {
    const { mu, sigma } = logNormalOf(step);
    const s2 = sigma * sigma;
    mean += Math.exp(mu + s2 / 2);
    variance += (Math.exp(s2) - 1) * Math.exp(2 * mu + s2);
  }
  const s2 = Math.log(1 + variance / (mean * mean));
  const fitted = { mu: Math.log(mean) - s2 / 2, sigma: Math.sqrt(s2) };
  return { p50: quantileOf(fitted, 0), p99: quantileOf(fitted, z99) };
}

/**
 * Steps one after another when they are slow together (one overloaded partition, a noisy
 * host): the percentiles add. The p99 of the sum of independent steps is at most this.
 */
export function sequentialBound(...steps: readonly Estimate[]): Estimate {
  return steps.reduce((a, b) => ({ p50: a.p50 + b.p50, p99: a.p99 + b.p99 }), { p50: 0, p99: 0 });
}

/**
 * Independent steps at the same time, done when the last is: the quantile q of the maximum is
 * where the product of their distribution functions reaches q (found by bisection).
 */
export function parallel(...steps: readonly Estimate[]): Estimate {
  const present = steps.filter((s) => s.p99 > 0);
  if (present.length === 0) return { p50: 0, p99: 0 };
  if (present.length === 1) return present[0] as Estimate;
  const dists = present.map(logNormalOf);
  const cdf = (x: number) =>
    dists.reduce(
      (p, d) =>
        p * (d.sigma === 0 ? (x >= Math.exp(d.mu) ? 1 : 0) : normalCdf((Math.log(x) - d.mu) / d.sigma)),
      1,
    );
  const quantile = (q: number) => {
    let low = Math.min(...present.map((s) => s.p50)) / 2;
    let high = Math.max(...present.map((s) => s.p99)) * 4;
    for (let i = 0; i < 100; i += 1) {
      const mid = (low + high) / 2;
      if (cdf(mid) < q) low = mid;
      else high = mid;
    }
    return high;
  };
  return { p50: quantile(0.5), p99: quantile(0.99) };
}

/** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error < 1.5e-7). */
function normalCdf(z: number): number {
  const t = 1 / (1 + (0.327_591_1 * Math.abs(z)) / Math.SQRT2);
  const poly =
    t *
    (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** The critical path through one invoke's calls: its estimate and the calls on it, in order. */
export interface CallPath extends Estimate {
  readonly calls: readonly TracedCall[];
}

/**
 * The longest path through the calls of one invoke, taking their order from the trace: a call
 * waits for every call that had finished before it started (so `await a; await b` is a chain,
 * and calls under one `Promise.all` overlap and run side by side). A call that merely happened
 * to finish first in a concurrent branch counts as waited for too, so the path errs long.
 * Each call finishes at its own latency after the last of those it waited for
 * ({@link sequential} after {@link parallel}); `calls` is the path with the longest p99.
 */
export function criticalPath(
  calls: readonly TracedCall[],
  latencyOf: (call: TracedCall) => LatencyFigure,
): CallPath {
  const sorted = [...calls].sort((a, b) => a.start - b.start || a.end - b.end);
  const finish: Estimate[] = [];
  const previous: (number | undefined)[] = [];
  sorted.forEach((call, i) => {
    const waited: number[] = [];
    for (let j = 0; j < i; j += 1) if ((sorted[j] as TracedCall).end <= call.start) waited.push(j);
    // Of the calls waited for, those no other waited-for call came after: the others are
    // already inside their successors' finish times.
    const latest = waited.filter(
      (j) => !waited.some((k) => k !== j && (sorted[j] as TracedCall).end <= (sorted[k] as TracedCall).start),
    );
    const before = parallel(...latest.map((j) => finish[j] as Estimate));
    const own = latencyOf(call);
    finish.push(sequential(before, { p50: own.p50, p99: own.p99 }));
    previous.push(
      latest.reduce<number | undefined>(
        (a, j) => (a === undefined || (finish[j] as Estimate).p99 > (finish[a] as Estimate).p99 ? j : a),
        undefined,
      ),
    );
  });
  if (sorted.length === 0) return { p50: 0, p99: 0, calls: [] };
  const ends = sorted
    .map((_, i) => i)
    .filter((i) => !sorted.some((c) => (sorted[i] as TracedCall).end <= c.start));
  const done = parallel(...ends.map((i) => finish[i] as Estimate));
  let last = ends.reduce(
    (a, i) => ((finish[i] as Estimate).p99 > (finish[a] as Estimate).p99 ? i : a),
    ends[0] as number,
  );
  const path: TracedCall[] = [];
  for (let at: number | undefined = last; at !== undefined; at = previous[at]) {
    path.unshift(sorted[at] as TracedCall);
    last = at;
  }
  return { ...done, calls: path };
}

/**
 * The calls of one invoke as a short sequence: `→` between calls that waited for each other,
 * `‖` between calls that overlapped (e.g. `GetItem ‖ Query → 2×PostToConnection`).
 */
export function describeCalls(calls: readonly TracedCall[]): string {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const stages: TracedCall[][] = [];
  let stageEnd = Number.NEGATIVE_INFINITY;
  for (const call of sorted) {
    const stage = stages.at(-1);
    if (stage && call.start < stageEnd) {
      stage.push(call);
      stageEnd = Math.max(stageEnd, call.end);
    } else {
      stages.push([call]);
      stageEnd = call.end;
    }
  }
  return stages
    .map((stage) => {
      const counts = new Map<string, number>();
      for (const c of stage) {
        const name = c.command.replace(/Command$/, '');
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      return [...counts].map(([name, n]) => (n > 1 ? `${n}×${name}` : name)).join(' ‖ ');
    })
    .join(' → ');
}
