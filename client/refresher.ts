import type { Credential } from './credentials.ts';
import { freshCredential } from './credentials.ts';
import { WaveletError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

export interface RefresherDeps {
  readonly options: Pick<ResolvedOptions, 'ticket' | 'token'>;
  /** Sends `refresh` with the credential; resolves with the reply's result. */
  readonly send: (credential: Pick<Credential, 'ticket' | 'token'>) => Promise<{ expiresAt: number }>;
  /** The credential could not be refreshed: tell the app. */
  readonly failed: (error: WaveletError) => void;
  /** Replaces the socket with one opened with a fresh credential. */
  readonly reconnect: () => void;
  readonly now?: () => number;
}

/** The largest delay a timer takes (about 24.8 days); longer ones fire at once. */
const maxTimerMs = 2 ** 31 - 1;
/** Refresh this long before expiry at most, and at most a quarter of the time left (short tokens). */
const maxMarginMs = 60_000;

/**
 * Keeps the connection's credential from expiring: `refresh` with a fresh token or ticket some
 * margin before the expiry (a quarter of the time left, at most a minute), again after each
 * success, and at once when a frame was refused "credential expired". When it cannot (no
 * function to call, the function throws, the server refuses), it says so through `failed`;
 * a credential the server refused is replaced by reconnecting with a fresh one.
 */
export class CredentialRefresher {
  private timer?: ReturnType<typeof setTimeout>;
  private expiresAt?: number;
  private inFlight = false;
  private generation = 0;
  private readonly now: () => number;

  constructor(private readonly deps: RefresherDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** A socket opened with a credential that expires at `expiresAt` (undefined: not known). */
  opened(expiresAt: number | undefined): void {
    this.stop();
    this.expiresAt = expiresAt;
    this.schedule();
  }

  /** The socket is gone or the client closed: nothing to refresh. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.generation += 1;
    this.inFlight = false;
  }

  /** A frame was refused because the credential expired: tell the app, and refresh now. */
  refused(error: WaveletError): void {
    this.deps.failed(error);
    if (!this.inFlight) void this.refresh();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.expiresAt === undefined) return;
    const remaining = Math.max(0, this.expiresAt - this.now());
    const delay = remaining - Math.min(maxMarginMs, remaining / 4);
    const generation = this.generation;
    this.timer = setTimeout(
      () => generation === this.generation && void this.refresh(),
      Math.min(delay, maxTimerMs),
    );
  }

  private async refresh(): Promise<void> {
    const { options } = this.deps;
    if (!options.ticket && typeof options.token === 'string') {
      this.deps.failed(
        new WaveletError('UNAUTHORIZED', 'The token expires and cannot be refreshed: give a token function'),
      );
      return;
    }
    const generation = this.generation;
    this.inFlight = true;
    try {
      const credential = await freshCredential(options);
      const { expiresAt } = await this.deps.send({ ticket: credential.ticket, token: credential.token });
      if (generation !== this.generation) return;
      this.expiresAt = expiresAt;
      this.schedule();
    } catch (error) {
      if (generation !== this.generation) return;
      const problem =
        error instanceof WaveletError
          ? error
          : new WaveletError('AUTH_FAILED', String(error), { cause: error });
      this.deps.failed(problem);
      // The server refused the credential: a new handshake gets a fresh one (and a clear 401 if not).
      if (problem.code === 'UNAUTHORIZED' || problem.code === 'FORBIDDEN') this.deps.reconnect();
    } finally {
      if (generation === this.generation) this.inFlight = false;
    }
  }
}

/** An error frame that says the connection's credential expired. */
export const isCredentialExpired = (error: unknown): error is WaveletError =>
  error instanceof WaveletError && error.code === 'UNAUTHORIZED' && error.message === 'credential expired';
