import { WaveletError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

/**
 * The URL of one connection attempt, with a fresh ticket (or the token) in its query string.
 * Called for every attempt: tickets are single use and live 30 seconds.
 */
export async function connectUrl(
  options: Pick<ResolvedOptions, 'url' | 'ticket' | 'token' | 'device'>,
): Promise<{ url: string; token?: string }> {
  const params: string[] = [];
  let token: string | undefined;
  try {
    if (options.ticket) params.push(`ticket=${encodeURIComponent(await options.ticket())}`);
    else if (options.token !== undefined) {
      token = typeof options.token === 'string' ? options.token : await options.token();
      params.push(`token=${encodeURIComponent(token)}`);
    }
  } catch (error) {
    throw new WaveletError('AUTH_FAILED', `Could not get credentials: ${messageOf(error)}`, { cause: error });
  }
  if (options.device !== undefined) params.push(`device=${encodeURIComponent(options.device)}`);
  const separator = options.url.includes('?') ? '&' : '?';
  return { url: `${options.url}${separator}${params.join('&')}`, token };
}

/** The `sub` of a JWT, read without verifying it (the server verifies); undefined if unreadable. */
export function subjectOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { sub?: unknown };
    return typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
