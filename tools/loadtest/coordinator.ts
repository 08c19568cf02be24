import { EventEmitter } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkTypeScript } from '../shared/child-process.ts';
import { nowMs } from '../shared/clock.ts';
import { Histogram } from '../shared/histogram.ts';
import type { FromWorker, WorkerProgress } from './messages.ts';
import type { WorkerPlan } from './plan.ts';
import { runWorker } from './run-worker.ts';
import type { WorkerResult } from './worker-result.ts';

/** The whole run's state at one second, for the progress line and the chart. */
export interface SeriesPoint {
  /** Seconds since the run started. */
  readonly t: number;
  readonly phase: WorkerProgress['phase'];
  readonly open: number;
  readonly sent: number;
  readonly received: number;
  readonly errors: number;
  /** Latency (ms) of the receipts in this second; null when there were none. */
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  /** p99 so far, over the whole run. */
  readonly p99SoFar: number | null;
  readonly lagP99Ms: number;
}

export interface CoordinatedRun {
  readonly results: WorkerResult[];
  readonly series: SeriesPoint[];
  /** When sending began, as epoch ms. */
  readonly sendStartedAt: number;
}

interface WorkerHandle {
  send(message: { type: 'plan'; plan: WorkerPlan } | { type: 'go'; startAt: number }): void;
  kill(): void;
}

const workerEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-main.ts');
const phases: WorkerProgress['phase'][] = ['setup', 'sending', 'draining', 'closing'];

/**
 * Runs the workers (in this process for one, else one child process each, started with this
 * process's loader flags so TypeScript runs as it does here), starts sending everywhere at the
 * same moment once all are set up, and gathers progress and results.
 */
export async function coordinate(
  plans: readonly WorkerPlan[],
  onTick: (point: SeriesPoint) => void,
): Promise<CoordinatedRun> {
  const started = nowMs();
  const events = new EventEmitter();
  const handles = plans.length === 1 ? [inProcess(events)] : plans.map((_, i) => childProcess(events, i));
  const latest = new Map<number, WorkerProgress>();
  const interval = new Histogram();
  const soFar = new Histogram();
  const series: SeriesPoint[] = [];
  const results: WorkerResult[] = [];
  const ready = new Set<number>();
  let sendStartedAt = 0;

  const tick = () => {
    const all = [...latest.values()];
    const sum = (f: (p: WorkerProgress) => number) => all.reduce((n, p) => n + f(p), 0);
    const has = interval.count > 0;
    soFar.merge(interval);
    const ms = (h: Histogram, q: number) => Math.round(h.valueAt(q) / 10) / 100;
    const point: SeriesPoint = {
      t: Math.round((nowMs() - started) / 100) / 10,
      phase:
        all.length === 0
          ? 'setup'
          : (phases[Math.min(...all.map((p) => phases.indexOf(p.phase)))] ?? 'setup'),
      open: sum((p) => p.open),
      sent: sum((p) => p.sent),
      received: sum((p) => p.received),
      errors: sum((p) => p.errors),
      p50: has ? ms(interval, 0.5) : null,
      p99: has ? ms(interval, 0.99) : null,
      max: has ? Math.round(interval.max / 10) / 100 : null,
      p99SoFar: soFar.count > 0 ? ms(soFar, 0.99) : null,
      lagP99Ms: Math.max(0, ...all.map((p) => p.lagP99Ms)),
    };
    interval.reset();
    series.push(point);
    onTick(point);
  };
  const ticker = setInterval(tick, 1000);

  try {
    await new Promise<void>((resolve, reject) => {
      events.on('message', (message: FromWorker) => {
        if (message.type === 'progress') {
          latest.set(message.progress.worker, message.progress);
          interval.merge(message.progress.interval);
        } else if (message.type === 'ready') {
          ready.add(message.worker);
          if (ready.size === plans.length) {
            sendStartedAt = nowMs() + 200;
            for (const h of handles) h.send({ type: 'go', startAt: sendStartedAt });
          }
        } else if (message.type === 'result') {
          results.push(message.result);
          if (results.length === plans.length) resolve();
        } else if (message.type === 'fatal') {
          reject(new Error(`worker ${message.worker} failed: ${message.message}`));
        }
      });
      events.on('exit', (worker: number, code: number | null) => {
        // Messages sent just before the exit may still be on their way: look a little later.
        setTimeout(() => {
          if (!results.some((r) => r.worker === worker)) {
            reject(new Error(`worker process ${worker} exited before its result (code ${code})`));
          }
        }, 500);
      });
      plans.forEach((plan, i) => {
        handles[i]?.send({ type: 'plan', plan });
      });
    });
  } finally {
    clearInterval(ticker);
    for (const h of handles) h.kill();
  }
  tick();
  results.sort((a, b) => a.worker - b.worker);
  return { results, series, sendStartedAt };
}

function inProcess(events: EventEmitter): WorkerHandle {
  let go: ((at: number) => void) | undefined;
  const start = new Promise<number>((resolve) => {
    go = resolve;
  });
  return {
    send(message) {
      if (message.type === 'go') go?.(message.startAt);
      else
        void runWorker(
          message.plan,
          (m) => events.emit('message', m),
          () => start,
        );
    },
    kill() {},
  };
}

function childProcess(events: EventEmitter, worker: number): WorkerHandle {
  const child = forkTypeScript(workerEntry);
  child.on('message', (message: FromWorker) => events.emit('message', message));
  child.on('exit', (code) => events.emit('exit', worker, code));
  return {
    send: (message) => child.send(message),
    kill: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}
