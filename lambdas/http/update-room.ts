import { roomPath, updateRoomBody } from '../../protocol/http-requests.ts';
import { bodyOf, callerOf, pathOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { updateRoomFor } from '../core/services/room-admin.ts';

/** `PATCH /rooms/{id}`: name, type and maxMembers, by the owner or an admin. */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  const { id } = pathOf(event, roomPath);
  return { body: await updateRoomFor(deps, caller, id, bodyOf(event, updateRoomBody)) };
});
