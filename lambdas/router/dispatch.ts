/**
 * A handler that runs, for each event, the handler of the manifest function its route key
 * names: `routes` is the manifest's route key to function name, `handlers` each function's
 * handler. An event whose route key `routes` lacks (a stack that disagrees with the bundle) goes
 * to `unrouted`.
 *
 * @example
 * export const handler = dispatchByRoute(httpApi.routes, handlers, (e) => e.routeKey, notFound);
 */
export function dispatchByRoute<E, R, N extends string>(
  routes: Readonly<Record<string, N>>,
  handlers: Readonly<Record<N, (event: E) => Promise<R>>>,
  routeKeyOf: (event: E) => string,
  unrouted: (event: E) => Promise<R>,
): (event: E) => Promise<R> {
  // Checked once per container: a route whose function has no handler is a broken bundle.
  for (const [routeKey, name] of Object.entries(routes)) {
    if (!(name in handlers))
      throw new Error(`Route '${routeKey}' names '${name}', which has no handler here`);
  }
  return (event) => {
    const name: N | undefined = Object.hasOwn(routes, routeKeyOf(event))
      ? routes[routeKeyOf(event)]
      : undefined;
    return name === undefined ? unrouted(event) : handlers[name](event);
  };
}
