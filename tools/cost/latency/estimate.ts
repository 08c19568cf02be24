import {
  criticalPath,
  describeCalls,
  type Estimate,
  parallel,
  sequential,
  sequentialBound,
  type TracedInvocation,
} from './compose.ts';
import { latencyOfCall, stepLatencies, warmP99GoalMs } from './figures.ts';

/** Which gateway a request enters by. */
export type Entry = 'websocket' | 'http' | 'queue';

/**
 * One row of the table: what a user (or a backend service) does, and the invokes on its
 * critical path as traced, in stages that follow each other. The invokes of one stage ran side
 * by side (the delivery workers of several shards); a stage reached through SQS waits for the
 * event source mapping first.
 */
export interface TracedOperation {
  readonly name: string;
  /** The manifest route it covers (`send`, `GET /rooms/{id}`), if it is a route's row. */
  readonly route?: string;
  readonly entry: Entry;
  /** False for what no user waits on (`$disconnect`). */
  readonly userFacing: boolean;
  readonly stages: readonly {
    readonly invocations: readonly TracedInvocation[];
    readonly viaQueue: boolean;
  }[];
}

/** The estimate of one operation on AWS. */
export interface OperationEstimate {
  readonly operation: TracedOperation;
  /** Warm, the steps independent of each other. */
  readonly warm: Estimate;
  /** Warm, every step on the p99 path at its p99 at once (the percentiles added). */
  readonly bound: Estimate;
  /** What a cold start adds when every function on the path is cold (one init per stage). */
  readonly coldPenalty: Estimate;
  /** The calls on the critical path, e.g. `authorizer: GetItem → connect: PutItem ‖ UpdateItem`. */
  readonly path: string;
  /** AWS calls on the critical path, one after another. */
  readonly sequentialCalls: number;
  readonly meetsGoal: boolean;
  /** What would bring it under the goal, when it is not. */
  readonly remedy?: string;
}

/** Prices one traced operation with the published latencies (tools/cost/latency/figures.ts). */
export function estimateOperation(operation: TracedOperation): OperationEstimate {
  const entry =
    operation.entry === 'websocket'
      ? stepLatencies.websocketGateway
      : operation.entry === 'http'
        ? stepLatencies.httpGateway
        : latencyOfCall('SQS', 'SendMessage');
  const bounds: Estimate[] = [entry];
  const parts: string[] = [];
  let sequentialCalls = 0;
  let queueHops = 0;
  const stageEstimates = operation.stages.map((stage) => {
    const paths = stage.invocations.map((invocation) => ({
      invocation,
      path: criticalPath(invocation.calls, (c) => latencyOfCall(c.service, c.command)),
    }));
    const slowest = paths.reduce<(typeof paths)[number] | undefined>(
      (a, b) => (a && a.path.p99 >= b.path.p99 ? a : b),
      undefined,
    );
    if (slowest) {
      sequentialCalls += slowest.path.calls.length;
      const times = stage.invocations.length > 1 ? ` (slowest of ${stage.invocations.length})` : '';
      const calls = describeCalls(slowest.invocation.calls) || 'no AWS call';
      parts.push(`${stage.viaQueue ? 'SQS → ' : ''}${slowest.invocation.fn}${times}: ${calls}`);
    }
    if (stage.viaQueue) queueHops += 1;
    const fixed = [
      ...(stage.viaQueue ? [stepLatencies.sqsToLambda] : []),
      stepLatencies.lambdaInvoke,
      stepLatencies.handlerCompute,
    ];
    bounds.push(...fixed, ...(slowest?.path.calls ?? []).map((c) => latencyOfCall(c.service, c.command)));
    return sequential(
      stage.viaQueue ? stepLatencies.sqsToLambda : { p50: 0, p99: 0 },
      stepLatencies.lambdaInvoke,
      stepLatencies.handlerCompute,
      parallel(...paths.map((p) => p.path)),
    );
  });
  const warm = round(sequential(entry, ...stageEstimates));
  const bound = round(sequentialBound(...bounds));
  const coldPenalty = round(sequential(...operation.stages.map(() => stepLatencies.coldStart)));
  const meetsGoal = warm.p99 < warmP99GoalMs;
  const estimate = {
    operation,
    warm,
    bound,
    coldPenalty,
    path: parts.join(' ⇒ '),
    sequentialCalls,
    meetsGoal,
  };
  return meetsGoal || !operation.userFacing
    ? estimate
    : { ...estimate, remedy: remedyFor(operation, warm, sequentialCalls, queueHops) };
}

/** The largest lever on the p99 of a route over the goal. */
function remedyFor(
  operation: TracedOperation,
  warm: Estimate,
  sequentialCalls: number,
  queueHops: number,
): string {
  const over = Math.ceil(warm.p99 - warmP99GoalMs + 1);
  if (operation.entry === 'queue')
    return `the queue's poll is ${stepLatencies.sqsToLambda.p99} ms of it at p99: a sender that needs it sooner uses POST /messages, the same contract run synchronously`;
  if (queueHops > 0)
    return `the SQS hop is ${stepLatencies.sqsToLambda.p99} ms of it at p99: deliver inline (DELIVERY_INLINE_MAX, DELIVERY_CONCURRENCY) up to the room size that must stay under ${warmP99GoalMs} ms`;
  if (operation.stages.length > 1)
    return `${operation.stages.length} functions one after another: fold them into one invoke to save ${over} ms`;
  return `${sequentialCalls} AWS calls one after another: ${over} ms to save; run the independent ones together (Promise.all) or merge them into fewer requests`;
}

function round(e: Estimate): Estimate {
  return { p50: Math.round(e.p50), p99: Math.round(e.p99) };
}
