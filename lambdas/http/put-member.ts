import { memberPath } from '../../protocol/http-requests.ts';
import { callerOf, pathOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { putRoomMember } from '../core/services/room-admin.ts';

/**
 * `PUT /rooms/{id}/members/{userId}`: the owner or an admin adds a member; 201 when added, 200
 * when the user already was one, ROOM_FULL (409) at the room's limit.
 */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  const { id, userId } = pathOf(event, memberPath);
  const { member, added } = await putRoomMember(deps, caller, id, userId);
  return { status: added ? 201 : 200, body: member };
});
