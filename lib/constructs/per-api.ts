import {
  type FunctionName,
  type FunctionSpec,
  functions,
  httpApi,
  type IndexName,
  type ItemAction,
  type ItemGrant,
  type KeyPattern,
  type Resource,
  websocketApi,
} from '../manifest.ts';

/**
 * How the functions behind the APIs are laid out. `per-route`: one function per manifest
 * function (33). `per-api`: one function for every WebSocket route and one for every HTTP
 * route, each a dispatcher (`lambdas/router/`) that runs the manifest's handler for the route
 * key; the authorizer (a different exposure: it runs before any identity is known), the queue
 * consumers and the sweeper stay their own functions.
 */
export type HandlerLayout = 'per-route' | 'per-api';

export const handlerLayouts: readonly HandlerLayout[] = ['per-route', 'per-api'];

/** A `per-api` function: its dispatcher and the manifest functions it runs. */
export interface ApiFunction {
  readonly id: string;
  readonly entry: string;
  readonly serves: readonly FunctionName[];
}

/** The two `per-api` functions, derived from the manifest's routes. */
export function apiFunctions(): readonly ApiFunction[] {
  const authorizer: FunctionName = websocketApi.authorizer.function;
  const webSocketRoutes = [...new Set<FunctionName>(Object.values(websocketApi.routes))];
  return [
    {
      id: 'WebSocketRoutes',
      entry: 'lambdas/router/websocket.ts',
      serves: webSocketRoutes.filter((name) => name !== authorizer),
    },
    {
      id: 'HttpRoutes',
      entry: 'lambdas/router/http.ts',
      serves: [...new Set<FunctionName>(Object.values(httpApi.routes))],
    },
  ];
}

/**
 * The spec of a function that runs all of `names`: the union of their `uses`, item grants and
 * index grants (so its IAM is every route's grants together: a flaw in one route's code can
 * reach what any route of the API may touch), the longest timeout and the largest memory.
 * Item grants with the same actions become one statement over all their keys, which grants
 * exactly what the separate statements did.
 */
export function mergedSpec(entry: string, names: readonly FunctionName[]): FunctionSpec {
  const specs: FunctionSpec[] = names.map((name) => functions[name]);
  const uses = new Set<Resource>(specs.flatMap((s) => s.uses));
  const byActions = new Map<string, { actions: ItemAction[]; keys: Set<KeyPattern> }>();
  for (const grant of specs.flatMap((s): readonly ItemGrant[] => s.items ?? [])) {
    const actions = [...grant.actions].sort();
    const key = actions.join(',');
    const merged = byActions.get(key) ?? { actions, keys: new Set<KeyPattern>() };
    for (const k of grant.keys) merged.keys.add(k);
    byActions.set(key, merged);
  }
  const indexes: Partial<Record<IndexName, Set<'Query' | 'Scan'>>> = {};
  for (const spec of specs) {
    for (const [index, actions] of Object.entries(spec.indexes ?? {}) as [
      IndexName,
      ('Query' | 'Scan')[],
    ][]) {
      const set = indexes[index] ?? new Set<'Query' | 'Scan'>();
      for (const action of actions) set.add(action);
      indexes[index] = set;
    }
  }
  return {
    entry,
    timeoutSeconds: Math.max(...specs.map((s) => s.timeoutSeconds ?? 10)),
    memoryMb: Math.max(...specs.map((s) => s.memoryMb ?? 256)),
    uses: [...uses].sort(),
    items: [...byActions.values()].map((g) => ({ actions: g.actions, keys: [...g.keys].sort() })),
    indexes: Object.fromEntries(Object.entries(indexes).map(([index, set]) => [index, [...set].sort()])),
  };
}
