import { callerOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { listUnreadCounts } from '../core/services/room-queries.ts';

/** `GET /me/unread`: unread counts in every room the caller is a member of. */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  return { body: await listUnreadCounts(deps, caller) };
});
