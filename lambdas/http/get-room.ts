import { roomPath } from '../../protocol/http-requests.ts';
import { callerOf, pathOf } from '../core/http-input.ts';
import { httpRoute } from '../core/http-route.ts';
import { describeRoom } from '../core/services/room-queries.ts';

/** `GET /rooms/{id}`: settings and member count, for members (anyone in a public room). */
export const handler = httpRoute(async (event, deps) => {
  const caller = await callerOf(deps, event);
  const { id } = pathOf(event, roomPath);
  return { body: await describeRoom(deps, caller, id) };
});
