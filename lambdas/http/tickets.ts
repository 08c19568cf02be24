import { authorizationOf, enforceUserCap, httpRoute } from '../core/http-route.ts';
import { authenticateBearer, issueTicket } from '../core/services/auth.ts';

/** `POST /tickets`: a single-use WebSocket ticket for the bearer of a valid JWT. */
export const handler = httpRoute(async (event, deps) => {
  const identity = await authenticateBearer(deps, authorizationOf(event));
  await enforceUserCap(deps, identity.userId, 'tickets');
  return { status: 201, body: await issueTicket(deps, identity) };
});
