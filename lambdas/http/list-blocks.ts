import { pageQuery } from '../../protocol/http-requests.ts';
import { callerOf, queryOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { listBlockedUsers } from '../core/services/blocks.ts';

/** `GET /me/blocks?cursor=&limit=`: a page of the users the caller blocks. */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  return { body: await listBlockedUsers(deps, caller.userId, queryOf(event, pageQuery)) };
});
