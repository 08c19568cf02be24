import { historyQuery, roomPath } from '../../protocol/http-requests.ts';
import { callerOf, pathOf, queryOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { listRoomHistory } from '../core/services/room-queries.ts';

/**
 * `GET /rooms/{id}/messages?before=&limit=&replyTo=`: a page of the room's current life (with
 * `replyTo`, of that message's thread), newest first, as the `history` action answers; members,
 * or anyone in a public room.
 */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  const { id } = pathOf(event, roomPath);
  return { body: await listRoomHistory(deps, caller, id, queryOf(event, historyQuery)) };
});
