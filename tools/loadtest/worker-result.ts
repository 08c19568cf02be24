import { Histogram, type HistogramSnapshot } from '../shared/histogram.ts';
import type { DeliveryCounts } from './delivery-ledger.ts';
import type { SeqCounts } from './seq-ledger.ts';

/** Counts by name (error codes, close codes, handshake failures). */
export type Tally = Record<string, number>;

export function bump(tally: Tally, key: string, by = 1): void {
  tally[key] = (tally[key] ?? 0) + by;
}

export function addTallies(into: Tally, from: Tally): Tally {
  for (const [key, n] of Object.entries(from)) bump(into, key, n);
  return into;
}

/** What one worker process measured (histograms in microseconds). */
export interface WorkerResult {
  readonly worker: number;
  readonly connections: {
    readonly planned: number;
    readonly opened: number;
    readonly failed: number;
    readonly openAtEnd: number;
    /** Sockets the server (or the network) closed before the end of the run. */
    readonly closedEarly: number;
  };
  readonly handshakeUs: HistogramSnapshot;
  readonly readyUs: HistogramSnapshot;
  readonly latencyUs: HistogramSnapshot;
  readonly heartbeatUs: HistogramSnapshot;
  readonly sent: number;
  /** Sends the server answered with an error frame (or SQS refused). */
  readonly rejected: number;
  /** Frames received that carried one of our messages (first receipts and duplicates). */
  readonly received: number;
  /** Time from the first send to the last, in ms. */
  readonly sendWindowMs: number;
  readonly deliveries: DeliveryCounts;
  readonly seq?: SeqCounts;
  readonly errors: Tally;
  readonly closeCodes: Tally;
  readonly handshakeFailures: Tally;
  readonly heartbeats: { readonly sent: number; readonly answered: number };
  readonly generator: GeneratorLoad;
}

/** How busy the generator process itself was while sending. */
export interface GeneratorLoad {
  readonly worker: number;
  readonly lagP50Ms: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** CPU time over wall time, in percent of one core. */
  readonly cpuPercent: number;
  readonly rssMb: number;
}

/** Worker results added together (the generator loads kept per process). */
export interface MergedResult extends Omit<WorkerResult, 'worker' | 'generator'> {
  readonly generators: readonly GeneratorLoad[];
}

const addCounts = <T extends object>(a: T | undefined, b: T): T =>
  a
    ? (Object.fromEntries(Object.entries(b).map(([k, v]) => [k, (a as Record<string, number>)[k] + v])) as T)
    : { ...b };

const mergeHistograms = (list: HistogramSnapshot[]) =>
  list.reduce((h, s) => h.merge(s), new Histogram(list[0]?.precisionBits ?? 8)).snapshot();

export function mergeResults(results: readonly WorkerResult[]): MergedResult {
  const sum = (f: (r: WorkerResult) => number) => results.reduce((total, r) => total + f(r), 0);
  let connections: WorkerResult['connections'] | undefined;
  let deliveries: DeliveryCounts | undefined;
  let seq: SeqCounts | undefined;
  let heartbeats: WorkerResult['heartbeats'] | undefined;
  const errors: Tally = {};
  const closeCodes: Tally = {};
  const handshakeFailures: Tally = {};
  for (const r of results) {
    connections = addCounts(connections, r.connections);
    deliveries = addCounts(deliveries, r.deliveries);
    if (r.seq) seq = addCounts(seq, r.seq);
    heartbeats = addCounts(heartbeats, r.heartbeats);
    addTallies(errors, r.errors);
    addTallies(closeCodes, r.closeCodes);
    addTallies(handshakeFailures, r.handshakeFailures);
  }
  if (!connections || !deliveries || !heartbeats) throw new Error('no worker results to merge');
  return {
    connections,
    handshakeUs: mergeHistograms(results.map((r) => r.handshakeUs)),
    readyUs: mergeHistograms(results.map((r) => r.readyUs)),
    latencyUs: mergeHistograms(results.map((r) => r.latencyUs)),
    heartbeatUs: mergeHistograms(results.map((r) => r.heartbeatUs)),
    sent: sum((r) => r.sent),
    rejected: sum((r) => r.rejected),
    received: sum((r) => r.received),
    sendWindowMs: Math.max(...results.map((r) => r.sendWindowMs)),
    deliveries,
    seq,
    errors,
    closeCodes,
    handshakeFailures,
    heartbeats,
    generators: results.map((r) => r.generator),
  };
}
