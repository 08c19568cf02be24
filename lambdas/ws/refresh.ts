import { refreshFrame } from '../../protocol/client-frames.ts';
import { refreshCredential } from '../core/services/credentials.ts';
import { wsRoute } from '../core/ws-route.ts';

/** `refresh {token}` or `refresh {ticket}`: moves the connection's credential expiry. */
export const handler = wsRoute(refreshFrame, async (frame, caller, deps) => ({
  result: await refreshCredential(deps, caller, { token: frame.token, ticket: frame.ticket }),
}));
