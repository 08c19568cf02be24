import { performance } from 'node:perf_hooks';
import {
  currentInvocation,
  type InvocationRecord,
  observeInvocations,
} from '../../../local/lambda/invocation-trace.ts';
import { timeSdkCalls } from '../../bench/sdk-calls.ts';
import type { TracedCall, TracedInvocation } from './compose.ts';

/** Collects every invoke of the local runtime with the AWS calls it made, timed. */
export interface CallTracer {
  /** The invokes that finished since the last take, in the order they started. */
  take(): TracedInvocation[];
  /** When the last invoke finished (`performance.now()`), for waiting until all is quiet. */
  lastEnd(): number;
  /** Whether an invoke of the function finished since the last take. */
  finished(fn: string): boolean;
  stop(): void;
}

/**
 * Starts tracing: the SDK call timer of the benchmarks (`tools/bench/sdk-calls.ts`) times
 * each call of the handlers' clients (DynamoDB, SQS, the management API, posts), and the local
 * Lambda's invocation hook (`local/lambda/invocation-trace.ts`) tells which invoke made it.
 * Start it once the local runtime has started.
 */
export function startCallTracer(): CallTracer {
  const calls = new Map<InvocationRecord, TracedCall[]>();
  let finished: InvocationRecord[] = [];
  let last = performance.now();
  timeSdkCalls((service, command) => {
    const invocation = currentInvocation();
    const start = performance.now();
    return () => {
      if (!invocation) return;
      const list = calls.get(invocation) ?? [];
      calls.set(invocation, list);
      list.push({ service, command: command.replace(/Command$/, ''), start, end: performance.now() });
    };
  });
  observeInvocations((record) => {
    finished.push(record);
    last = performance.now();
  });
  return {
    take: () => {
      const taken = finished
        .sort((a, b) => a.startedAt - b.startedAt)
        .map((r) => ({
          fn: r.name,
          start: r.startedAt,
          end: r.endedAt ?? r.startedAt,
          calls: calls.get(r) ?? [],
        }));
      for (const r of finished) calls.delete(r);
      finished = [];
      return taken;
    },
    lastEnd: () => last,
    finished: (fn) => finished.some((r) => r.name === fn),
    stop: () => {
      timeSdkCalls(undefined);
      observeInvocations(undefined);
    },
  };
}
