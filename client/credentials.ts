import { WaveletError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

/** A credential for one handshake or `refresh`, and when it expires (epoch ms) when known. */
export interface Credential {
  readonly ticket?: string;
  readonly token?: string;
  readonly expiresAt?: number;
}

/**
 * A fresh credential from the options: the ticket function's ticket, or the token (called when
 * it is a function). Throws `AUTH_FAILED` when the function throws.
 */
export async function freshCredential(
  options: Pick<ResolvedOptions, 'ticket' | 'token'>,
): Promise<Credential> {
  try {
    if (options.ticket) {
      const grant = await options.ticket();
      if (typeof grant === 'string') return { ticket: grant };
      return { ticket: grant.ticket, expiresAt: grant.credentialExpiresAt };
    }
    if (options.token !== undefined) {
      const token = typeof options.token === 'string' ? options.token : await options.token();
      return { token, expiresAt: expiryOf(token) };
    }
  } catch (error) {
    throw new WaveletError('AUTH_FAILED', `Could not get credentials: ${messageOf(error)}`, { cause: error });
  }
  throw new WaveletError('AUTH_FAILED', 'Give a ticket function or a token');
}

/**
 * The URL of one connection attempt, with a fresh ticket (or the token) in its query string.
 * Called for every attempt: tickets are single use and live 30 seconds.
 */
export async function connectUrl(
  options: Pick<ResolvedOptions, 'url' | 'ticket' | 'token' | 'device'>,
): Promise<{ url: string; token?: string; expiresAt?: number }> {
  const credential = await freshCredential(options);
  const params: string[] = [];
  if (credential.ticket !== undefined) params.push(`ticket=${encodeURIComponent(credential.ticket)}`);
  else if (credential.token !== undefined) params.push(`token=${encodeURIComponent(credential.token)}`);
  if (options.device !== undefined) params.push(`device=${encodeURIComponent(options.device)}`);
  const separator = options.url.includes('?') ? '&' : '?';
  return {
    url: `${options.url}${separator}${params.join('&')}`,
    token: credential.token,
    expiresAt: credential.expiresAt,
  };
}

/** The `sub` of a JWT, read without verifying it (the server verifies); undefined if unreadable. */
export function subjectOf(token: string): string | undefined {
  const sub = claimsOf(token)?.sub;
  return typeof sub === 'string' ? sub : undefined;
}

/** The `exp` of a JWT in epoch ms, read without verifying it; undefined if unreadable. */
export function expiryOf(token: string): number | undefined {
  const exp = claimsOf(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

function claimsOf(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
