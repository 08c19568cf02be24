import { backoffDelay } from './backoff.ts';
import {
  canCheckCredential,
  checkCredential,
  isRefusedStatus,
  refusedStatusOf,
  watchHandshakeStatus,
} from './credential-check.ts';
import { connectUrl } from './credentials.ts';
import { WaveletError } from './errors.ts';
import { authCheckAfterFailures, type ResolvedOptions, type WebSocketLike } from './options.ts';

/**
 * The client's connection state, reported by the `state` event: `closed` before `connect()`
 * and after `close()`, `connecting` until the first open, `reconnecting` between sockets.
 *
 * @example
 * ```ts
 * client.on('state', (state: ConnectionState) => {
 *   banner.hidden = state === 'open';
 * });
 * ```
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The event handlers both the browser's WebSocket and `ws` offer. */
interface SocketHandlers {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  /** `ws` only: drops the TCP connection without a closing handshake. */
  terminate?: () => void;
}
type Socket = WebSocketLike & SocketHandlers;

export interface ConnectionHandlers {
  /** The socket opened; frames may be written. */
  readonly opened: () => void;
  readonly frame: (text: string) => void;
  /** An open socket closed (or was dropped as dead). */
  readonly lost: (event: { code: number; reason: string }) => void;
  readonly state: (state: ConnectionState) => void;
  /** A failed attempt or a give-up; the connection carries on unless it gave up. */
  readonly error: (error: WaveletError) => void;
  readonly gaveUp: (error: WaveletError) => void;
  /** The token used for an attempt, so the client can tell the user id. */
  readonly token: (token: string) => void;
  /** When the credential of an attempt expires (epoch ms), when known: the client refreshes before. */
  readonly credentialExpiry?: (expiresAt: number | undefined) => void;
}

const OPEN = 1;

/**
 * One logical connection made of successive sockets: connects with fresh credentials for each
 * attempt, retries with exponential backoff and full jitter, reconnects at once when the
 * browser says the network is back, and drops sockets it is told are dead. A credential the
 * server refuses (a 401 or 403 handshake in Node; in browsers, a token `POST /tickets` refuses
 * after a few failed handshakes) is replaced once with a fresh one, then ends it with
 * `AUTH_FAILED`: retrying could never help.
 */
export class Connection {
  state: ConnectionState = 'closed';
  private socket?: Socket;
  private failures = 0;
  private everOpened = false;
  /** The open socket answered its first sync; a drop before that counts as a failed attempt. */
  private healthy = false;
  /** A refused credential was already replaced by a fresh one since the last working socket. */
  private renewedRefused = false;
  /** The last socket showed a refused handshake's status (`ws`), so no check is needed. */
  private statusVisible = false;
  private running = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private openTimer?: ReturnType<typeof setTimeout>;
  private generation = 0;
  private readonly onOnline = () => this.retryNow();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly handlers: ConnectionHandlers,
  ) {}

  /** Starts connecting (no-op when already running). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    this.everOpened = false;
    this.renewedRefused = false;
    globalEvents()?.addEventListener('online', this.onOnline);
    this.setState('connecting');
    void this.attempt();
  }

  /** Closes for good; resolves when the socket closed (or after a second at most). */
  async stop(): Promise<void> {
    this.running = false;
    this.generation += 1;
    globalEvents()?.removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    clearTimeout(this.openTimer);
    const socket = this.socket;
    this.socket = undefined;
    this.setState('closed');
    if (!socket) return;
    await new Promise<void>((resolve) => {
      const fallback = setTimeout(resolve, 1000);
      socket.onclose = () => {
        clearTimeout(fallback);
        resolve();
      };
      socket.onerror = () => undefined;
      socket.onmessage = () => undefined;
      try {
        socket.close(1000, 'client closed');
      } catch {
        resolve();
      }
    });
  }

  /** Writes a frame; false when no socket is open. */
  write(text: string): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || this.state !== 'open') return false;
    socket.send(text);
    return true;
  }

  /** The connection works end to end (its first sync was answered): backoff starts over. */
  markHealthy(): void {
    this.failures = 0;
    this.healthy = true;
    this.renewedRefused = false;
  }

  /** Abandons the current socket (a heartbeat went unanswered) and reconnects. */
  drop(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.abandon(socket);
    this.closed(socket, { code: 4000, reason });
  }

  private retryNow(): void {
    if (!this.running || this.socket || this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.failures = 0;
    void this.attempt();
  }

  private async attempt(): Promise<void> {
    this.retryTimer = undefined;
    const generation = ++this.generation;
    let url: string;
    try {
      const target = await withTimeout(connectUrl(this.options), this.options.requestTimeoutMs);
      if (target.token !== undefined) this.handlers.token(target.token);
      this.handlers.credentialExpiry?.(target.expiresAt);
      url = target.url;
    } catch (error) {
      if (generation !== this.generation) return;
      const status = refusedStatusOf(error);
      if (status !== undefined) {
        this.refused(`The credential was refused (HTTP ${status})`, error);
        return;
      }
      this.handlers.error(toWaveletError(error));
      this.failed();
      return;
    }
    if (generation !== this.generation || !this.running) return;
    let socket: Socket;
    try {
      socket = new this.options.WebSocket(url) as Socket;
    } catch (error) {
      this.handlers.error(new WaveletError('CONNECTION_FAILED', 'Cannot open a WebSocket', { cause: error }));
      this.failed();
      return;
    }
    this.socket = socket;
    let status: number | undefined;
    this.statusVisible = watchHandshakeStatus(socket, (s) => {
      status = s;
    });
    // A handshake that hangs (a half-open network) counts as a failed attempt.
    this.openTimer = setTimeout(() => {
      this.abandon(socket);
      this.closed(socket, { code: 4001, reason: 'handshake timeout' });
    }, this.options.requestTimeoutMs);
    socket.onopen = () => {
      if (socket !== this.socket) return;
      clearTimeout(this.openTimer);
      this.everOpened = true;
      this.healthy = false;
      this.state = 'open';
      this.handlers.opened();
      // Announced after `opened`, so that frames queued while away go out before new ones.
      if (this.state === 'open') this.handlers.state('open');
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      this.handlers.frame(typeof event.data === 'string' ? event.data : String(event.data));
    };
    socket.onclose = (event) => this.closed(socket, event, status);
    // `ws` throws on an 'error' event nobody listens to; a close event always follows.
    socket.onerror = () => undefined;
  }

  private closed(socket: Socket, event: { code: number; reason: string }, status?: number): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    clearTimeout(this.openTimer);
    const wasOpen = this.state === 'open';
    if (wasOpen) this.handlers.lost({ code: event.code, reason: event.reason });
    if (!this.running) return;
    if (!wasOpen && isRefusedStatus(status)) {
      this.refused(`The server refused the credential (HTTP ${status})`);
      return;
    }
    if (!wasOpen) {
      this.handlers.error(
        new WaveletError(
          'CONNECTION_FAILED',
          `Connection attempt failed (${event.code} ${event.reason})`.trim(),
        ),
      );
    }
    // A socket that opened but never worked (kicked out at once) must not retry without backing off.
    this.failed(!(wasOpen && this.healthy));
  }

  /** Schedules the next attempt after a failed attempt, or after a working socket dropped. */
  private failed(isFailure = true): void {
    if (!this.running) return;
    if (isFailure) this.failures += 1;
    const { reconnect } = this.options;
    if (this.failures >= reconnect.maxAttempts) {
      this.giveUp(
        new WaveletError('CONNECTION_FAILED', `Gave up after ${this.failures} failed connection attempts`),
      );
      return;
    }
    this.setState(this.everOpened ? 'reconnecting' : 'connecting');
    if (isFailure && this.shouldCheckCredential()) {
      // A browser cannot see the handshake's 401: ask the HTTP API about the token instead.
      const generation = this.generation;
      void checkCredential(this.options).then((refusal) => {
        if (generation !== this.generation || !this.running) return;
        if (refusal === undefined) this.scheduleRetry();
        else
          this.giveUp(
            new WaveletError('AUTH_FAILED', `POST /tickets refused a fresh token (HTTP ${refusal})`),
          );
      });
      return;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(Math.max(0, this.failures - 1), this.options.reconnect);
    this.retryTimer = setTimeout(() => void this.attempt(), delay);
  }

  /** Every few failed handshakes in a row whose status could not be seen, with a token to check. */
  private shouldCheckCredential(): boolean {
    return (
      !this.statusVisible && this.failures % authCheckAfterFailures === 0 && canCheckCredential(this.options)
    );
  }

  /**
   * The server refused the credential: retrying with it is useless. Once, a fresh one from the
   * app's function may fix it (a token that just expired, a ticket already used); otherwise stop.
   */
  private refused(message: string, cause?: unknown): void {
    if (!this.running) return;
    const error = new WaveletError('AUTH_FAILED', message, cause === undefined ? {} : { cause });
    const { ticket, token } = this.options;
    if (!this.renewedRefused && (ticket !== undefined || typeof token === 'function')) {
      this.renewedRefused = true;
      this.handlers.error(error);
      void this.attempt();
      return;
    }
    this.giveUp(error);
  }

  private giveUp(error: WaveletError): void {
    void this.stop().then(() => this.handlers.gaveUp(error));
  }

  private abandon(socket: Socket): void {
    socket.onopen = () => undefined;
    socket.onmessage = () => undefined;
    socket.onclose = () => undefined;
    socket.onerror = () => undefined;
    try {
      if (typeof socket.terminate === 'function') socket.terminate();
      else socket.close(4000, 'abandoned');
    } catch {
      // Already closing.
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.handlers.state(state);
  }
}

/** A ticket request that hangs (a half-open network) must not stall reconnecting for good. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaveletError('AUTH_FAILED', `No credentials within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function toWaveletError(error: unknown): WaveletError {
  return error instanceof WaveletError
    ? error
    : new WaveletError('CONNECTION_FAILED', String(error), { cause: error });
}

/** `window` in browsers (for the `online` event); undefined in Node. */
function globalEvents(): Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | undefined {
  const g = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
  return typeof g.addEventListener === 'function' && typeof g.removeEventListener === 'function'
    ? (globalThis as unknown as EventTarget)
    : undefined;
}
