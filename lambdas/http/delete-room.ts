import { roomPath } from '../../protocol/http-requests.ts';
import { callerOf, pathOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { deleteRoomFor } from '../core/services/room-admin.ts';

/**
 * `DELETE /rooms/{id}`: by the owner or an admin; 204 with no body (an undefined body leaves
 * the response empty).
 */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  const { id } = pathOf(event, roomPath);
  await deleteRoomFor(deps, caller, id);
  return { status: 204, body: undefined };
});
