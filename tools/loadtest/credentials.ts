import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import { signToken } from '../sign-token.ts';

const run = promisify(exec);

export interface CredentialOptions {
  /** HS256 secret used when no `tokenCmd` is given. */
  readonly tokenSecret: string;
  /** A shell command printing a token; `{user}` is replaced by the user id (also in $LOADTEST_USER). */
  readonly tokenCmd?: string;
  /** `POST` URL of the ticket route: each connection presents a fresh single-use ticket. */
  readonly ticketsUrl?: string;
}

/** Returns the query parameter (`token=…` or `ticket=…`) a user connects with. */
export type CredentialSource = (userId: string) => Promise<string>;

/**
 * Tokens are made once per user (signed locally, or printed by a command); a ticket, being single
 * use and valid 30 s, is fetched right before each connection.
 */
export function createCredentialSource(options: CredentialOptions): CredentialSource {
  const token = async (userId: string): Promise<string> => {
    if (!options.tokenCmd)
      return signToken(userId, { secret: options.tokenSecret, expiresInSeconds: 6 * 3600 });
    const command = options.tokenCmd.replaceAll('{user}', userId);
    const { stdout } = await run(command, { env: { ...process.env, LOADTEST_USER: userId } });
    const value = stdout.trim();
    if (!value) throw new Error(`--token-cmd printed no token for ${userId}`);
    return value;
  };
  return async (userId) => {
    const jwt = await token(userId);
    if (!options.ticketsUrl) return `token=${encodeURIComponent(jwt)}`;
    const response = await fetch(options.ticketsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}` },
    });
    if (!response.ok) throw new Error(`POST ${options.ticketsUrl} answered ${response.status}`);
    const { ticket } = (await response.json()) as { ticket?: string };
    if (!ticket) throw new Error(`POST ${options.ticketsUrl} returned no ticket`);
    return `ticket=${encodeURIComponent(ticket)}`;
  };
}
