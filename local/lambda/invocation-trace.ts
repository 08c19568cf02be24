import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** One invoke of a local function, as the tracing hook sees it (times from `performance.now()`). */
export interface InvocationRecord {
  readonly name: string;
  readonly startedAt: number;
  endedAt?: number;
}

/** Receives each invoke when it has finished, with its end time set. */
export type InvocationObserver = (record: InvocationRecord) => void;

const current = new AsyncLocalStorage<InvocationRecord>();
let observer: InvocationObserver | undefined;

/**
 * The invoke whose code is running now, or undefined outside any handler. The latency model
 * (`tools/cost/latency`) uses it to give each AWS call the handler's clients make to the invoke
 * that made it, although every local function shares one process and one set of clients.
 */
export function currentInvocation(): InvocationRecord | undefined {
  return current.getStore();
}

/** Sets (or with undefined removes) the observer of finished invokes. */
export function observeInvocations(next: InvocationObserver | undefined): void {
  observer = next;
}

/** Runs `fn` as the invoke of function `name`; `finish` reports it to the observer. */
export function traceInvocation<T>(name: string, fn: (finish: () => void) => T): T {
  const record: InvocationRecord = { name, startedAt: performance.now() };
  const finish = () => {
    record.endedAt = performance.now();
    observer?.(record);
  };
  return current.run(record, () => fn(finish));
}
