/** What a request resolved to: the route key that matched and the values of its `{params}`. */
export interface RouteMatch<T> {
  readonly routeKey: string;
  readonly target: T;
  readonly pathParameters: Record<string, string>;
}

interface CompiledRoute<T> {
  readonly routeKey: string;
  readonly target: T;
  /** `ANY` for routes that accept every method, `$default` for the catch-all route. */
  readonly method: string;
  readonly segments: readonly string[];
  readonly greedy: boolean;
  readonly literals: number;
}

/**
 * HTTP API route keys (`GET /rooms/{id}`, `ANY /files/{proxy+}`, `$default`), tried from most to
 * least specific as API Gateway does: fixed paths before variables, greedy `{name+}` paths after
 * those, a method before `ANY`, and `$default` last.
 */
export class RouteTable<T> {
  private readonly routes: CompiledRoute<T>[];

  constructor(routes: Record<string, T>) {
    this.routes = Object.entries(routes)
      .map(([routeKey, target]) => compile(routeKey, target))
      .sort(bySpecificity);
  }

  /** Whether a route names this method explicitly (decides who answers OPTIONS). */
  hasMethod(method: string, path: string): boolean {
    return this.routes.some((route) => route.method === method && matchPath(route, path) !== undefined);
  }

  match(method: string, path: string): RouteMatch<T> | undefined {
    for (const route of this.routes) {
      if (route.method !== '$default' && route.method !== 'ANY' && route.method !== method) continue;
      const pathParameters = route.method === '$default' ? {} : matchPath(route, path);
      if (pathParameters) return { routeKey: route.routeKey, target: route.target, pathParameters };
    }
    return undefined;
  }
}

function compile<T>(routeKey: string, target: T): CompiledRoute<T> {
  if (routeKey === '$default') {
    return { routeKey, target, method: '$default', segments: [], greedy: false, literals: 0 };
  }
  const [method = '', path = '/'] = routeKey.split(' ');
  const segments = path.split('/').filter(Boolean);
  return {
    routeKey,
    target,
    method: method.toUpperCase(),
    segments,
    greedy: segments.at(-1)?.endsWith('+}') ?? false,
    literals: segments.filter((segment) => !segment.startsWith('{')).length,
  };
}

function bySpecificity<T>(a: CompiledRoute<T>, b: CompiledRoute<T>): number {
  const rank = (route: CompiledRoute<T>): number[] => [
    route.method === '$default' ? 1 : 0,
    route.greedy ? 1 : 0,
    -route.literals,
    -route.segments.length,
    route.method === 'ANY' ? 1 : 0,
  ];
  const left = rank(a);
  const right = rank(b);
  for (let i = 0; i < left.length; i++) {
    const difference = left[i]! - right[i]!;
    if (difference !== 0) return difference;
  }
  return 0;
}

function matchPath<T>(route: CompiledRoute<T>, path: string): Record<string, string> | undefined {
  const parts = path.split('/').filter(Boolean);
  const parameters: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i]!;
    const isLast = i === route.segments.length - 1;
    if (isLast && route.greedy) {
      // `{proxy+}` needs at least one segment and takes the rest of the path.
      if (parts.length <= i) return undefined;
      parameters[segment.slice(1, -2)] = parts.slice(i).map(decode).join('/');
      return parameters;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.startsWith('{')) parameters[segment.slice(1, -1)] = decode(part);
    else if (segment !== part) return undefined;
  }
  return parts.length === route.segments.length ? parameters : undefined;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
