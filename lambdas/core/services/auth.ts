import { maxCredentialLength } from '../../../protocol/limits.ts';
import { type Identity, verifyToken } from '../auth/jwt.ts';
import type { Deps } from '../deps.ts';
import { unauthorized } from '../errors.ts';
import { consumeTicket, createTicket, type Ticket } from '../store/tickets.ts';

export interface HandshakeCredentials {
  readonly ticket?: string;
  readonly token?: string;
}

/**
 * Decides who a `$connect` (or a `refresh`) speaks for. A ticket is consumed (single use) even
 * when the handshake later fails, so a leaked ticket cannot be replayed.
 */
export async function authenticateHandshake(
  deps: Deps,
  credentials: HandshakeCredentials,
): Promise<Identity> {
  if (credentials.ticket) {
    // Before the lookup: a key over DynamoDB's 2 KB limit would fail the call (a 500 and an
    // ERROR log line per request, a cheap log flood).
    if (credentials.ticket.length > maxCredentialLength) throw unauthorized('Ticket is too long');
    const holder = await consumeTicket(deps, credentials.ticket);
    if (!holder) throw unauthorized('Unknown, used or expired ticket');
    return holder;
  }
  if (credentials.token) return verifyToken(deps.config, credentials.token, deps.now());
  throw unauthorized('A ticket or token query parameter is required');
}

/** `Authorization: Bearer {JWT}` to an identity. */
export async function authenticateBearer(deps: Deps, authorization: string | undefined): Promise<Identity> {
  if (authorization !== undefined && authorization.length > maxCredentialLength + 'Bearer '.length) {
    throw unauthorized('Authorization header is too long');
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw unauthorized('Authorization: Bearer {token} is required');
  return verifyToken(deps.config, match[1], deps.now());
}

/** A single-use WebSocket ticket for a user who proved who they are with a JWT. */
export async function issueTicket(deps: Deps, identity: Identity): Promise<Ticket> {
  return createTicket(deps, identity);
}
