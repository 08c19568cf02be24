import { memberPath } from '../../protocol/http-requests.ts';
import { callerOf, pathOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { removeRoomMember } from '../core/services/room-admin.ts';

/**
 * `DELETE /rooms/{id}/members/{userId}`: the owner, an admin or the user leaving; 204, also when
 * the user was not a member (a retried DELETE is no error).
 */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  const { id, userId } = pathOf(event, memberPath);
  await removeRoomMember(deps, caller, id, userId);
  return { status: 204, body: undefined };
});
