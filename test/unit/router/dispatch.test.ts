import { describe, expect, it } from 'vitest';
import { dispatchByRoute } from '../../../lambdas/router/dispatch.ts';
import { websocketApi } from '../../../lib/manifest.ts';

interface FakeEvent {
  readonly routeKey: string;
}

const routeKeyOf = (event: FakeEvent) => event.routeKey;
const answeredBy = (name: string) => async (event: FakeEvent) => `${name}:${event.routeKey}`;

describe('Function: dispatchByRoute', () => {
  const routes = { $connect: 'connect', send: 'send', publish: 'publish' } as const;
  const handlers = {
    connect: answeredBy('connect'),
    send: answeredBy('send'),
    publish: answeredBy('publish'),
  };

  it('runs the handler of the function the route key names', async () => {
    const handler = dispatchByRoute(routes, handlers, routeKeyOf, answeredBy('unrouted'));
    expect(await handler({ routeKey: '$connect' })).toBe('connect:$connect');
    expect(await handler({ routeKey: 'publish' })).toBe('publish:publish');
  });

  it('sends a route key it does not know, or an inherited property name, to the unrouted handler', async () => {
    const handler = dispatchByRoute(routes, handlers, routeKeyOf, answeredBy('unrouted'));
    expect(await handler({ routeKey: 'nowhere' })).toBe('unrouted:nowhere');
    expect(await handler({ routeKey: 'toString' })).toBe('unrouted:toString');
  });

  it('refuses a route whose function has no handler', () => {
    const { publish: _, ...partial } = handlers;
    expect(() =>
      dispatchByRoute(routes, partial as typeof handlers, routeKeyOf, answeredBy('unrouted')),
    ).toThrow(/Route 'publish' names 'publish'/);
  });

  it('dispatches every WebSocket route of the manifest to its own function', async () => {
    const names = [...new Set(Object.values(websocketApi.routes))];
    type Name = (typeof names)[number];
    const all = Object.fromEntries(names.map((name) => [name, answeredBy(name)])) as Record<
      Name,
      (event: FakeEvent) => Promise<string>
    >;
    const handler = dispatchByRoute(websocketApi.routes, all, routeKeyOf, answeredBy('unrouted'));
    for (const [routeKey, name] of Object.entries(websocketApi.routes)) {
      expect(await handler({ routeKey })).toBe(`${name}:${routeKey}`);
    }
  });
});
