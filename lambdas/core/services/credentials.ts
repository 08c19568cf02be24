import type { RefreshResult } from '../../../protocol/results.ts';
import type { Deps } from '../deps.ts';
import { forbidden, unauthorized } from '../errors.ts';
import { getCredentialExpiry, moveCredentialExpiry } from '../store/credential-expiry.ts';
import type { Caller } from '../ws-event.ts';
import { authenticateHandshake, type HandshakeCredentials } from './auth.ts';

/** Frames an expired connection may still send: the heartbeat, and the way out of expiry. */
const allowedWhenExpired = new Set(['ping', 'refresh']);

/**
 * Credential expiries this container read from the table after a connection's `$connect`
 * expiry had passed (a `refresh` moved them), so a refreshed connection reads its record once
 * per refresh rather than once per frame. Only future expiries are kept; bounded.
 */
const knownExpiries = new Map<string, number>();
const maxKnownExpiries = 10_000;

/**
 * Throws UNAUTHORIZED "credential expired" when the connection's credential has expired and
 * the action is not one an expired connection may send. Before the `$connect` expiry this costs
 * nothing; after it, the connection's last-seen record is read, since a `refresh` may have moved it.
 */
export async function assertCredentialCurrent(deps: Deps, caller: Caller, action: string): Promise<void> {
  const now = deps.now();
  const atConnect = caller.credentialExpiresAt;
  if (atConnect === undefined || now <= atConnect || allowedWhenExpired.has(action)) return;
  const known = knownExpiries.get(caller.connectionId);
  if (known !== undefined && now <= known) return;
  const expiry = await getCredentialExpiry(deps, caller.connectionId);
  if (expiry !== undefined && now <= expiry) {
    if (knownExpiries.size >= maxKnownExpiries) knownExpiries.clear();
    knownExpiries.set(caller.connectionId, expiry);
    return;
  }
  knownExpiries.delete(caller.connectionId);
  throw unauthorized('credential expired');
}

/**
 * `refresh`: a fresh token or ticket for the connection's own user moves its credential expiry.
 * A credential of another user is FORBIDDEN, an invalid one UNAUTHORIZED; neither changes the
 * connection (a ticket is consumed all the same: tickets are single use). Roles stay those of
 * `$connect`: the authorizer context that carries them cannot change after it.
 */
export async function refreshCredential(
  deps: Deps,
  caller: Caller,
  credentials: HandshakeCredentials,
): Promise<RefreshResult> {
  const identity = await authenticateHandshake(deps, credentials);
  if (identity.userId !== caller.userId) {
    throw forbidden('The credential is for another user than this connection');
  }
  // The connection id is API Gateway's and the caller its authorizer's: the record is this user's.
  const moved = await moveCredentialExpiry(deps, caller.connectionId, identity.expiresAt);
  if (!moved) throw unauthorized('The connection is closed');
  knownExpiries.set(caller.connectionId, identity.expiresAt);
  return { expiresAt: identity.expiresAt };
}
