import { type FunctionName, functions, queues, schedules, websocketApi } from '../manifest.ts';

/** The groups the dashboard and the alarms watch functions by. */
export type FunctionGroup = 'authorizer' | 'webSocketRoutes' | 'httpRoutes' | 'queueConsumers' | 'sweeper';

/** What each group is called in widget titles and alarm descriptions. */
export const functionGroupTitles: Readonly<Record<FunctionGroup, string>> = {
  authorizer: 'WebSocket authorizer',
  webSocketRoutes: 'WebSocket routes',
  httpRoutes: 'HTTP routes',
  queueConsumers: 'queue consumers',
  sweeper: 'sweeper',
};

/**
 * Every function of the manifest in exactly one group, derived from the manifest: the
 * authorizer of the WebSocket API, the other `lambdas/ws/` entries, the `lambdas/http/`
 * entries, the consumers of the queues and the scheduled functions. Throws on a function that
 * fits no group, so a new kind of function cannot go unwatched.
 */
export function functionGroups(): Readonly<Record<FunctionGroup, readonly FunctionName[]>> {
  const consumers = new Set<FunctionName>(Object.values(queues).map((q) => q.consumer));
  const scheduled = new Set<FunctionName>(Object.values(schedules).map((s) => s.function));
  const groups: Record<FunctionGroup, FunctionName[]> = {
    authorizer: [],
    webSocketRoutes: [],
    httpRoutes: [],
    queueConsumers: [],
    sweeper: [],
  };
  for (const [name, spec] of Object.entries(functions) as [FunctionName, { entry: string }][]) {
    if (name === websocketApi.authorizer.function) groups.authorizer.push(name);
    else if (consumers.has(name)) groups.queueConsumers.push(name);
    else if (scheduled.has(name)) groups.sweeper.push(name);
    else if (spec.entry.startsWith('lambdas/ws/')) groups.webSocketRoutes.push(name);
    else if (spec.entry.startsWith('lambdas/http/')) groups.httpRoutes.push(name);
    else throw new Error(`Function '${name}' (${spec.entry}) belongs to no function group`);
  }
  return groups;
}

/** Splits a list into runs of at most `size` (a metric math alarm may read at most 10 metrics). */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
