import { freshCredential } from './credentials.ts';
import type { ResolvedOptions } from './options.ts';

/** The statuses with which a handshake or `POST /tickets` refuses a credential. */
export const isRefusedStatus = (status: number | undefined): boolean => status === 401 || status === 403;

/** `ws`'s EventEmitter side, which the browser's WebSocket lacks. */
interface EmitterSocket {
  on(
    event: 'unexpected-response',
    listener: (request: unknown, response: { statusCode?: number }) => void,
  ): void;
  terminate(): void;
}

/**
 * Reports the HTTP status of a handshake the server answered with something other than 101.
 * Only `ws` shows it (its `unexpected-response` event); a browser's WebSocket gives a bare
 * 1006, so there the status stays unknown and {@link checkCredential} tells instead.
 */
export function watchHandshakeStatus(socket: object, onStatus: (status: number) => void): boolean {
  const emitter = socket as Partial<EmitterSocket>;
  if (typeof emitter.on !== 'function' || typeof emitter.terminate !== 'function') return false;
  emitter.on('unexpected-response', (_request, response) => {
    if (typeof response?.statusCode === 'number') onStatus(response.statusCode);
    // With a listener, `ws` leaves the request open: end it, which closes the socket with 1006.
    emitter.terminate?.();
  });
  return true;
}

/**
 * Checks the token the way a browser can: a fresh one from the app's `token` (the function is
 * called again, since a new token may be all it takes), presented to `POST {httpUrl}/tickets`.
 * Resolves with the status of a refusal (401 or 403); undefined when the token was accepted or
 * nothing could be told: no `httpUrl` or no token to check, or the request failed (the network
 * is down as well).
 */
export async function checkCredential(
  options: Pick<ResolvedOptions, 'httpUrl' | 'token' | 'ticket' | 'requestTimeoutMs'>,
): Promise<number | undefined> {
  if (!canCheckCredential(options)) return undefined;
  const fetchFn = (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof fetchFn !== 'function' || options.token === undefined) return undefined;
  try {
    const { token } = await freshCredential({ token: options.token });
    const response = await fetchFn(`${String(options.httpUrl).replace(/\/+$/, '')}/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    });
    // The ticket, if one was issued, is left to expire (30 s): the next attempt uses the token.
    await response.arrayBuffer().catch(() => undefined);
    return isRefusedStatus(response.status) ? response.status : undefined;
  } catch {
    return undefined;
  }
}

/** A token and an `httpUrl` to check it at (with a `ticket` function, getting one is the check). */
export const canCheckCredential = (options: Pick<ResolvedOptions, 'httpUrl' | 'token' | 'ticket'>): boolean =>
  options.httpUrl !== undefined && options.token !== undefined && !options.ticket;

/**
 * The 401 or 403 behind a failure of the app's `ticket` or `token` function, when its error
 * carries one as `status` (as a fetch wrapper's error usually does); undefined otherwise.
 */
export function refusedStatusOf(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 3; depth++) {
    const status = (e as { status?: unknown }).status;
    if (typeof status === 'number' && isRefusedStatus(status)) return status;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
