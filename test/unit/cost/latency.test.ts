import { describe, expect, it } from 'vitest';
import { httpApi, websocketApi } from '../../../lib/manifest.ts';
import {
  criticalPath,
  describeCalls,
  parallel,
  sequential,
  sequentialBound,
  type TracedCall,
  type TracedInvocation,
} from '../../../tools/cost/latency/compose.ts';
import { estimateOperation, type TracedOperation } from '../../../tools/cost/latency/estimate.ts';
import {
  latencyOfCall,
  stepLatencies,
  unknownCall,
  warmP99GoalMs,
} from '../../../tools/cost/latency/figures.ts';
import { latencyTable, manifestRoutes, routesWithoutRow } from '../../../tools/cost/latency/table.ts';
import { stagesOf } from '../../../tools/cost/latency/trace-operations.ts';

const call = (command: string, start: number, end: number, service = 'DynamoDB'): TracedCall => ({
  service,
  command,
  start,
  end,
});
const constant = (ms: number) => ({ p50: ms, p99: ms, source: 'test', assumed: true });
const invocation = (fn: string, calls: TracedCall[], start = 0): TracedInvocation => ({
  fn,
  start,
  end: start + 100,
  calls,
});

describe('Function: sequential', () => {
  it('adds constant steps exactly', () => {
    expect(sequential({ p50: 5, p99: 5 }, { p50: 7, p99: 7 })).toEqual({ p50: 12, p99: 12 });
  });

  it('returns a single step as it is and ignores empty ones', () => {
    expect(sequential({ p50: 0, p99: 0 }, { p50: 4, p99: 12 })).toEqual({ p50: 4, p99: 12 });
  });

  it('puts the p99 of many skewed steps below the sum of their p99s and above any one', () => {
    const step = { p50: 5, p99: 15 };
    const ten = sequential(...Array.from({ length: 10 }, () => step));
    expect(ten.p99).toBeLessThan(sequentialBound(...Array.from({ length: 10 }, () => step)).p99);
    expect(ten.p99).toBeGreaterThan(75);
    expect(ten.p50).toBeGreaterThanOrEqual(50);
    expect(ten.p50).toBeLessThan(ten.p99);
  });

  it('fits the sum of two log-normals by their mean and variance', () => {
    // Each: sigma = ln(3) / 2.3263 = 0.4723; mean 5.59, variance 7.80; the sum's log-normal has
    // sigma 0.343 and median 10.53, so its p99 is 10.53 * e^(2.3263 * 0.343) = 23.4.
    const two = sequential({ p50: 5, p99: 15 }, { p50: 5, p99: 15 });
    expect(two.p50).toBeCloseTo(10.53, 1);
    expect(two.p99).toBeCloseTo(23.4, 0);
  });
});

describe('Function: sequentialBound', () => {
  it('adds the percentiles', () => {
    expect(sequentialBound({ p50: 4, p99: 12 }, { p50: 5, p99: 15 })).toEqual({ p50: 9, p99: 27 });
  });
});

describe('Function: parallel', () => {
  it('takes the slowest of constant steps', () => {
    expect(parallel({ p50: 5, p99: 5 }, { p50: 9, p99: 9 }).p99).toBeCloseTo(9, 6);
  });

  it('finds the quantile of the maximum of independent steps', () => {
    // Two steps of median 10 and p99 30: the max is under x when both are, so its p50 is where
    // one step's distribution reaches sqrt(0.5) (z = 0.5449) and its p99 where it reaches
    // sqrt(0.99) (z = 2.5758): 10 * e^(0.4723 z).
    const both = parallel({ p50: 10, p99: 30 }, { p50: 10, p99: 30 });
    expect(both.p50).toBeCloseTo(12.93, 1);
    expect(both.p99).toBeCloseTo(33.75, 1);
  });
});

describe('Function: criticalPath', () => {
  const fiveMs = () => constant(5);

  it('chains calls that waited for each other and overlaps those that did not', () => {
    // GetItem, then Query and UpdateItem side by side, then PostToConnection after both.
    const calls = [
      call('GetItem', 0, 1),
      call('Query', 2, 4),
      call('UpdateItem', 2, 3),
      call('PostToConnection', 5, 6, 'ApiGatewayManagementApi'),
    ];
    const latencies: Record<string, number> = { Query: 8 };
    const path = criticalPath(calls, (c) => constant(latencies[c.command] ?? 5));
    expect(path.p99).toBeCloseTo(18, 6);
    expect(path.calls.map((c) => c.command)).toEqual(['GetItem', 'Query', 'PostToConnection']);
  });

  it('is empty for an invoke that made no call', () => {
    expect(criticalPath([], fiveMs)).toEqual({ p50: 0, p99: 0, calls: [] });
  });

  it('gives the longer of two branches', () => {
    const calls = [call('GetItem', 0, 1), call('PutItem', 2, 3), call('Query', 0, 3.5)];
    const latencies: Record<string, number> = { GetItem: 4, PutItem: 5, Query: 20 };
    const path = criticalPath(calls, (c) => constant(latencies[c.command] ?? 0));
    expect(path.p99).toBeCloseTo(20, 6);
    expect(path.calls.map((c) => c.command)).toEqual(['Query']);
  });
});

describe('Function: describeCalls', () => {
  it('writes waiting calls with arrows and overlapping ones side by side', () => {
    const calls = [call('GetItem', 0, 1), call('Query', 2, 4), call('Query', 2, 3), call('PutItem', 5, 6)];
    expect(describeCalls(calls)).toBe('GetItem → 2×Query → PutItem');
  });
});

describe('Function: latencyOfCall', () => {
  it('finds a call by the SDK command name and falls back to a stated assumption', () => {
    expect(latencyOfCall('DynamoDB', 'GetItemCommand').p99).toBeGreaterThan(
      latencyOfCall('DynamoDB', 'GetItem').p50,
    );
    expect(latencyOfCall('Kinesis', 'PutRecordCommand')).toBe(unknownCall);
  });
});

describe('Function: estimateOperation', () => {
  const route = (stages: TracedOperation['stages'], entry: TracedOperation['entry'] = 'websocket') =>
    estimateOperation({ name: 'x', route: 'ping', entry, userFacing: true, stages });

  it('adds the gateway, the invoke and the handler to the calls of a warm route', () => {
    const estimate = route([
      { invocations: [invocation('ping', [call('UpdateItem', 0, 1)])], viaQueue: false },
    ]);
    const expected = sequential(
      stepLatencies.websocketGateway,
      sequential(
        stepLatencies.lambdaInvoke,
        stepLatencies.handlerCompute,
        latencyOfCall('DynamoDB', 'UpdateItem'),
      ),
    );
    expect(estimate.warm).toEqual({ p50: Math.round(expected.p50), p99: Math.round(expected.p99) });
    expect(estimate.meetsGoal).toBe(estimate.warm.p99 < warmP99GoalMs);
    expect(estimate.coldPenalty).toEqual({
      p50: stepLatencies.coldStart.p50,
      p99: stepLatencies.coldStart.p99,
    });
    expect(estimate.path).toBe('ping: UpdateItem');
  });

  it('waits for the queue before a consumer, takes the slowest shard, and pays a cold start per stage', () => {
    const stages = stagesOf([
      invocation('publish', [call('SendMessageBatch', 0, 1, 'SQS')]),
      invocation('deliver', [call('PostToConnection', 10, 11, 'ApiGatewayManagementApi')], 10),
      invocation(
        'deliver',
        [
          call('PostToConnection', 10, 11, 'ApiGatewayManagementApi'),
          call('PostToConnection', 12, 13, 'ApiGatewayManagementApi'),
        ],
        11,
      ),
    ]);
    expect(stages.map((s) => [s.invocations.length, s.viaQueue])).toEqual([
      [1, false],
      [2, true],
    ]);
    const estimate = route(stages);
    expect(estimate.path).toBe(
      'publish: SendMessageBatch ⇒ SQS → deliver (slowest of 2): PostToConnection → PostToConnection',
    );
    expect(estimate.warm.p99).toBeGreaterThan(stepLatencies.sqsToLambda.p99);
    const twoInits = sequential(stepLatencies.coldStart, stepLatencies.coldStart);
    expect(estimate.coldPenalty).toEqual({ p50: Math.round(twoInits.p50), p99: Math.round(twoInits.p99) });
    expect(estimate.remedy).toContain('SQS hop');
  });

  it('says nothing needs doing for a route under the goal', () => {
    const estimate = route(
      [{ invocations: [invocation('getRoom', [call('GetItem', 0, 1)])], viaQueue: false }],
      'http',
    );
    expect(estimate.meetsGoal).toBe(true);
    expect(estimate.remedy).toBeUndefined();
  });
});

describe('Function: routesWithoutRow', () => {
  it('lists every WebSocket and HTTP route of the manifest', () => {
    expect(manifestRoutes).toEqual([...Object.keys(websocketApi.routes), ...Object.keys(httpApi.routes)]);
  });

  it('names the routes no row covers', () => {
    const estimates = manifestRoutes
      .filter((r) => r !== 'GET /health')
      .map((r) =>
        estimateOperation({
          name: r,
          route: r,
          entry: 'http',
          userFacing: true,
          stages: [{ invocations: [invocation('f', [])], viaQueue: false }],
        }),
      );
    expect(routesWithoutRow(estimates)).toEqual(['GET /health']);
    expect(latencyTable(estimates, true).split('\n')).toHaveLength(estimates.length + 2);
  });
});
