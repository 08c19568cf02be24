import { WaveletError } from './errors.ts';

/**
 * Sends a `ping` every `intervalMs` while the socket is open. A client message resets API
 * Gateway's 10-minute idle timer, and the reply proves the whole path alive: a ping unanswered
 * within its timeout means a dead socket (a laptop that slept, a NAT that forgot us), which
 * the browser may not notice for minutes, so the client drops it and reconnects.
 */
export class Heartbeat {
  private timer?: ReturnType<typeof setTimeout>;
  private generation = 0;
  private running = false;
  private inFlight = false;

  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => Promise<unknown>,
    private readonly onDead: () => void,
  ) {}

  start(): void {
    this.stop();
    this.running = true;
    if (this.intervalMs > 0) this.schedule(this.generation);
  }

  stop(): void {
    this.generation += 1;
    this.running = false;
    this.inFlight = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Pings now (unless a ping is already out): a request went unanswered, the socket may be dead. */
  probe(): void {
    if (!this.running || this.inFlight) return;
    clearTimeout(this.timer);
    this.beat(this.generation);
  }

  private schedule(generation: number): void {
    this.timer = setTimeout(() => this.beat(generation), this.intervalMs);
  }

  private beat(generation: number): void {
    this.inFlight = true;
    this.ping().then(
      () => this.answered(generation),
      (error: unknown) => {
        if (generation !== this.generation) return;
        if (error instanceof WaveletError && error.code === 'TIMEOUT') {
          this.inFlight = false;
          this.onDead();
        } else this.answered(generation);
      },
    );
  }

  private answered(generation: number): void {
    if (generation !== this.generation) return;
    this.inFlight = false;
    if (this.intervalMs > 0) this.schedule(generation);
  }
}
