import { pageQuery, roomPath } from '../../protocol/http-requests.ts';
import { callerOf, pathOf, queryOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { listRoomOnline } from '../core/services/room-queries.ts';

/** `GET /rooms/{id}/online?cursor=&limit=`: a page of the room's online users, for members and admins. */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  const { id } = pathOf(event, roomPath);
  return { body: await listRoomOnline(deps, caller, id, queryOf(event, pageQuery)) };
});
