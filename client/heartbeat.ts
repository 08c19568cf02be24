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

  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => Promise<unknown>,
    private readonly onDead: () => void,
  ) {}

  start(): void {
    this.stop();
    if (this.intervalMs <= 0) return;
    this.schedule(this.generation);
  }

  stop(): void {
    this.generation += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(generation: number): void {
    this.timer = setTimeout(() => {
      this.ping().then(
        () => {
          if (generation === this.generation) this.schedule(generation);
        },
        (error: unknown) => {
          if (generation !== this.generation) return;
          if (error instanceof WaveletError && error.code === 'TIMEOUT') this.onDead();
          else this.schedule(generation);
        },
      );
    }, this.intervalMs);
  }
}
