import type { HttpRouteHandler } from '../http-api/index.ts';
import { expositionContentType } from './exposition.ts';
import type { MetricsRegistry } from './registry.ts';

/**
 * `GET /metrics`: the registry in the Prometheus text format, for a scraper or the dashboard.
 * A local-only route beside the manifest's, so it never deploys.
 */
export function metricsRoute(registry: MetricsRegistry): HttpRouteHandler {
  return async () => ({
    statusCode: 200,
    headers: { 'content-type': expositionContentType, 'cache-control': 'no-cache' },
    body: registry.exposition(),
  });
}
