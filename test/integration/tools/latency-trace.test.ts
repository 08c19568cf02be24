import { execFile } from 'node:child_process';
import path from 'node:path';
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

const root = path.resolve(import.meta.dirname, '../../..');
// The binary `npm run` puts on the PATH; `npx` would add its own package lookup to each run.
const tsx = path.join(root, 'node_modules/.bin/tsx');

/** Runs `npm run cost -- latency ...args` as npm does and resolves with how it ended. */
function runLatency(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      tsx,
      ['tools/cost/main.ts', 'latency', ...args],
      { cwd: root, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe.concurrent('Tool: npm run cost -- latency', () => {
  it('prints its usage for --help without tracing anything', async () => {
    const outcome = await runLatency(['--help']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout.startsWith('npm run cost -- latency [--markdown]')).toBe(true);
    expect(outcome.stderr).toBe('');
  }, 30_000);

  it('refuses an unknown option with one line and exit code 2', async () => {
    const outcome = await runLatency(['--rows']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('cost: unknown option --rows (npm run cost -- --help for usage)\n');
  }, 30_000);
});
