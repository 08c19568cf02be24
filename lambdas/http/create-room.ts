import { createRoomBody } from '../../protocol/http-requests.ts';
import { bodyOf, callerOf } from '../core/http-input.ts';
import { enforceUserCap, httpRoute } from '../core/http-route.ts';
import { createRoomFor } from '../core/services/room-admin.ts';

/**
 * `POST /rooms`: creates a room owned by the caller (201). A create retried by the owner of the
 * id answers 200 with the room as stored; an id someone else owns answers BAD_REQUEST.
 */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  await enforceUserCap(deps, caller.userId, 'rooms');
  const { room, created } = await createRoomFor(deps, caller, bodyOf(event, createRoomBody));
  return { status: created ? 201 : 200, body: room };
});
