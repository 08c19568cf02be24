import { adminOf, jsonBodyOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { parseNotification, publishNotification } from '../core/services/notifications.ts';
import { IdempotencyKeyBusyError, idempotencyKeyBusy } from '../core/store/idempotency.ts';

/**
 * `POST /messages` (admin): the notifications queue's contract, run synchronously; 202 because
 * delivery to offline users (and to large targets) completes later.
 */
export const handler = httpRoute(async (event, deps) => {
  await adminOf(deps, event);
  const request = parseNotification(deps, jsonBodyOf(event));
  try {
    return { status: 202, body: await publishNotification(deps, request) };
  } catch (error) {
    // A call whose id an earlier call still holds: 429, to be retried, rather than INTERNAL.
    if (error instanceof IdempotencyKeyBusyError) throw idempotencyKeyBusy(error.retryAfterMs);
    throw error;
  }
});
