import { WaveletError } from './errors.ts';

export interface HeartbeatOptions {
  /** Longest silence (nothing sent) before a ping; 0 turns the heartbeat off. */
  readonly idleMs: number;
  /** Longest time between pings, whatever else went out: the server keeps last-seen from pings. 0: no bound. */
  readonly lastSeenMs: number;
  /** Longest time with nothing received before a ping checks that the socket still works. 0: no bound. */
  readonly deadSocketMs: number;
  /** Sends a ping; rejects with `TIMEOUT` when its reply does not come in time. */
  readonly ping: () => Promise<unknown>;
  /** The ping went unanswered: the socket is dead. */
  readonly onDead: () => void;
}

/**
 * Pings only when one of three clocks runs out. Any frame the client sends resets API Gateway's
 * 10-minute idle timer, so a busy client skips the idle ping; the server keeps last-seen (which
 * keeps the sweeper's `GET @connections` away) only from pings, so a ping still goes out every
 * `lastSeenMs`; and a socket that has received nothing for `deadSocketMs` is checked, because a
 * dead one (a laptop that slept, a NAT that forgot us) may go unnoticed by the browser for
 * minutes. A ping unanswered within its timeout drops the socket.
 */
export class Heartbeat {
  private timer?: ReturnType<typeof setTimeout>;
  private generation = 0;
  private running = false;
  private inFlight = false;
  private lastSent = 0;
  private lastReceived = 0;
  private lastPing = 0;

  constructor(private readonly options: HeartbeatOptions) {}

  start(): void {
    this.stop();
    this.running = true;
    const now = Date.now();
    this.lastSent = now;
    this.lastReceived = now;
    this.lastPing = now;
    this.schedule(this.generation);
  }

  stop(): void {
    this.generation += 1;
    this.running = false;
    this.inFlight = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A frame went out: API Gateway's idle timer starts over. */
  sent(): void {
    this.lastSent = Date.now();
  }

  /** A frame came in: the socket works. */
  received(): void {
    this.lastReceived = Date.now();
  }

  /** Pings now (unless a ping is already out): a request went unanswered, the socket may be dead. */
  probe(): void {
    if (!this.running || this.inFlight) return;
    clearTimeout(this.timer);
    this.beat(this.generation);
  }

  /** When the next ping is due, or undefined when the heartbeat is off. */
  private due(): number | undefined {
    const { idleMs, lastSeenMs, deadSocketMs } = this.options;
    if (idleMs <= 0) return undefined;
    const after = (since: number, ms: number) => (ms > 0 ? since + ms : Number.POSITIVE_INFINITY);
    return Math.min(
      this.lastSent + idleMs,
      after(this.lastPing, lastSeenMs),
      after(this.lastReceived, deadSocketMs),
    );
  }

  private schedule(generation: number): void {
    const due = this.due();
    if (due === undefined) return;
    // Frames sent or received meanwhile only push the due time later: check again when it fires.
    this.timer = setTimeout(
      () => {
        if (generation !== this.generation || this.inFlight) return;
        const next = this.due();
        if (next !== undefined && Date.now() >= next) this.beat(generation);
        else this.schedule(generation);
      },
      Math.max(0, due - Date.now()),
    );
  }

  private beat(generation: number): void {
    this.inFlight = true;
    this.lastPing = Date.now();
    this.options.ping().then(
      () => this.answered(generation),
      (error: unknown) => {
        if (generation !== this.generation) return;
        if (error instanceof WaveletError && error.code === 'TIMEOUT') {
          this.inFlight = false;
          this.options.onDead();
        } else this.answered(generation);
      },
    );
  }

  private answered(generation: number): void {
    if (generation !== this.generation) return;
    this.inFlight = false;
    this.schedule(generation);
  }
}
