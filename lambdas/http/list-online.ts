import { pageQuery } from '../../protocol/http-requests.ts';
import { adminOf, queryOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { listOnlineUsers } from '../core/services/online-users.ts';

/** `GET /online?cursor=&limit=` (admin): a page of the users with a live connection. */
export const handler = httpRoute(async (event, deps) => {
  await adminOf(deps, event);
  return { body: await listOnlineUsers(deps, queryOf(event, pageQuery)) };
});
