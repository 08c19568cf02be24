import WebSocket from 'ws';
import { openSocket } from '../shared/open-socket.ts';

/** A client socket of a benchmark: keeps every frame it gets, and counts frames both ways. */
export class BenchSocket {
  readonly frames: Record<string, unknown>[] = [];
  sent = 0;
  private waiters: (() => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(url: string): Promise<BenchSocket> {
    return new BenchSocket(await openSocket(url));
  }

  send(frame: Record<string, unknown>): void {
    this.sent += 1;
    this.ws.send(JSON.stringify(frame));
  }

  /** Resolves with the first frame (received from now on, or already kept) that `match` accepts. */
  async waitFor(
    match: (frame: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('frame did not come');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Sends `frame` with a fresh `ref` and resolves with its reply or error. */
  async request(frame: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ref = `r${Math.random().toString(36).slice(2)}`;
    this.send({ ...frame, ref });
    return this.waitFor((f) => f.ref === ref);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.ws.once('close', resolve));
    this.ws.close();
    await closed;
  }
}
