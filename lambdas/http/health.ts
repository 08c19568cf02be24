import { httpRoute } from '../core/http-route.ts';
import { checkHealth } from '../core/services/health.ts';

/** `GET /health`: 200 when the table and both queues answer, 503 (same body) when one does not. */
export const handler = httpRoute(async (_event, deps) => {
  const report = await checkHealth(deps);
  return { status: report.ok ? 200 : 503, body: report };
});
