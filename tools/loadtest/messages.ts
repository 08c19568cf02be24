import type { HistogramSnapshot } from '../shared/histogram.ts';
import type { WorkerPlan } from './plan.ts';
import type { WorkerResult } from './worker-result.ts';

/** Coordinator to worker. */
export type ToWorker =
  | { readonly type: 'plan'; readonly plan: WorkerPlan }
  | { readonly type: 'go'; readonly startAt: number };

/** A worker's state, sent every second. */
export interface WorkerProgress {
  readonly worker: number;
  readonly phase: 'setup' | 'sending' | 'draining' | 'closing';
  readonly open: number;
  readonly sent: number;
  readonly received: number;
  readonly errors: number;
  /** Latencies (µs) recorded since the previous progress message. */
  readonly interval: HistogramSnapshot;
  readonly lagP99Ms: number;
}

/** Worker to coordinator. */
export type FromWorker =
  | { readonly type: 'progress'; readonly progress: WorkerProgress }
  | { readonly type: 'ready'; readonly worker: number }
  | { readonly type: 'result'; readonly result: WorkerResult }
  | { readonly type: 'fatal'; readonly worker: number; readonly message: string };
