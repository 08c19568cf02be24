import { round } from './stats.ts';

/** The keep-alive agent's socket limit of the handlers' clients and poster (lambdas/core/clients.ts). */
export const maxSockets = 64;

/** Rate, ceiling and CPU of one delivery case, whichever far side it posted to. */
export interface RateFigures {
  readonly latencyMs: number;
  readonly posts: number;
  readonly ms: number;
  readonly perSecond: number;
  /** Posts in flight the code asks for; the ceiling is min(inFlight, maxSockets) / latency (0 without latency). */
  readonly inFlight: number;
  readonly ceilingPerSecond: number;
  readonly ratio: number;
  /** CPU of the measuring process per post. */
  readonly cpuMsPerPost: number;
}

/** One delivery bench run: its settings and its cases. */
export interface DeliveryRun<Case extends RateFigures> {
  readonly concurrency: number;
  /** Sockets the keep-alive agents may open (lambdas/core/clients.ts, the poster). */
  readonly maxSockets: number;
  readonly recordsPerBatch: number;
  readonly cases: readonly Case[];
}

/** Rate, ceiling and CPU of one case; the ceiling counts at most `maxSockets` in flight. */
export function rateFigures(c: {
  latencyMs: number;
  posts: number;
  ms: number;
  cpuMs: number;
  inFlight: number;
}): RateFigures {
  const perSecond = c.posts / (c.ms / 1000);
  const ceilingPerSecond = c.latencyMs > 0 ? Math.min(c.inFlight, maxSockets) / (c.latencyMs / 1000) : 0;
  return {
    latencyMs: c.latencyMs,
    posts: c.posts,
    ms: c.ms,
    perSecond,
    inFlight: c.inFlight,
    ceilingPerSecond,
    ratio: c.latencyMs > 0 ? perSecond / ceilingPerSecond : 0,
    cpuMsPerPost: c.cpuMs / c.posts,
  };
}

/** Wall and CPU time of `run`. */
export async function timeCase(run: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/** The columns every delivery table shows for a case. */
export function rateColumns(c: RateFigures): Record<string, number | string> {
  const timed = c.latencyMs > 0;
  return {
    'posts/s': round(c.perSecond, 0),
    'in flight (asked)': c.inFlight,
    'ceiling/s': timed ? round(c.ceilingPerSecond, 0) : '-',
    'vs ceiling': timed ? `${round(c.ratio * 100, 1)}%` : '-',
    'CPU ms/post': round(c.cpuMsPerPost, 3),
  };
}
