import { describe, expect, it } from 'vitest';
import { httpApi, websocketApi } from '../../../lib/manifest.ts';
import { estimateOperation } from '../../../tools/cost/latency/estimate.ts';
import { routesWithoutRow } from '../../../tools/cost/latency/table.ts';
import { traceOperations } from '../../../tools/cost/latency/trace-operations.ts';

const functionOf: Readonly<Record<string, string>> = { ...websocketApi.routes, ...httpApi.routes };

describe('Function: traceOperations', () => {
  it('traces every route of the manifest through the local runtime, each with its own function and calls', async () => {
    const operations = await traceOperations();
    expect(routesWithoutRow(operations.map(estimateOperation))).toEqual([]);
    for (const operation of operations.filter((o) => o.route)) {
      const functions = operation.stages.flatMap((s) => s.invocations.map((i) => i.fn));
      expect(functions, operation.name).toContain(functionOf[operation.route as string]);
    }
    const send = operations.find((o) => o.route === 'send');
    expect(send?.stages[0]?.invocations[0]?.calls.map((c) => c.command)).toContain('PostToConnection');
    const sharded = operations.find((o) => o.name.includes('sharded'));
    expect(sharded?.stages.map((s) => [s.invocations[0]?.fn, s.viaQueue])).toEqual([
      ['publish', false],
      ['deliver', true],
    ]);
  }, 120_000);
});
