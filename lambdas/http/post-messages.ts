import { adminOf, jsonBodyOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { parseNotification, publishNotification } from '../core/services/notifications.ts';

/**
 * `POST /messages` (admin): the notifications queue's contract, run synchronously; 202 because
 * delivery to offline users (and to large targets) completes later.
 */
export const handler = httpRoute(async (event, deps) => {
  await adminOf(deps, event);
  const request = parseNotification(deps, jsonBodyOf(event));
  return { status: 202, body: await publishNotification(deps, request) };
});
