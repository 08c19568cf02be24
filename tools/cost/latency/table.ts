import { httpApi, websocketApi } from '../../../lib/manifest.ts';
import { table } from '../tables.ts';
import type { OperationEstimate } from './estimate.ts';
import { callLatencies, stepLatencies, warmP99GoalMs } from './figures.ts';

/** Every route the manifest declares, WebSocket first: each must have a row. */
export const manifestRoutes: readonly string[] = [
  ...Object.keys(websocketApi.routes),
  ...Object.keys(httpApi.routes),
];

/** The routes of the manifest that no estimate covers (the table must leave none out). */
export function routesWithoutRow(estimates: readonly OperationEstimate[]): string[] {
  const covered = new Set(estimates.map((e) => e.operation.route));
  return manifestRoutes.filter((r) => !covered.has(r));
}

/** The latency table: one row per route and per fan-out path, warm p50 and p99, the cold penalty. */
export function latencyTable(estimates: readonly OperationEstimate[], markdown: boolean): string {
  return table(
    [
      'operation',
      'warm p50',
      'warm p99',
      `< ${warmP99GoalMs} ms p99`,
      'p99, all slow at once',
      'cold start adds',
      'critical path (traced)',
    ],
    estimates.map((e) => [
      e.operation.name,
      `${e.warm.p50} ms`,
      `${e.warm.p99} ms`,
      e.operation.userFacing ? (e.meetsGoal ? 'yes' : 'no') : 'n/a',
      `${e.bound.p99} ms`,
      `${e.coldPenalty.p50} ms (p99 ${e.coldPenalty.p99})`,
      e.path,
    ]),
    markdown,
  );
}

/** What would bring each route over the goal under it. */
export function remedies(estimates: readonly OperationEstimate[]): string[] {
  return estimates
    .filter((e) => e.remedy)
    .map((e) => `${e.operation.name} (${e.warm.p99} ms p99): ${e.remedy}`);
}

/** The figures the table multiplies by, with where each comes from. */
export function stepsTable(markdown: boolean): string {
  return table(
    ['step', 'p50', 'p99', 'source'],
    Object.entries(stepLatencies).map(([name, f]) => [name, `${f.p50} ms`, `${f.p99} ms`, f.source]),
    markdown,
  );
}

/** The per-call figures, with where each comes from. */
export function callsTable(markdown: boolean): string {
  return table(
    ['call', 'p50', 'p99', 'source'],
    Object.entries(callLatencies).map(([name, f]) => [name, `${f.p50} ms`, `${f.p99} ms`, f.source]),
    markdown,
  );
}
