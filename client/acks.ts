import { maxAckIds } from '../protocol/limits.ts';

/**
 * Batches acknowledgements of delivered direct messages and notifications: ids collect for a
 * moment (or until 100 wait) and go out in `ack` frames of at most 100. An ack that is lost
 * with the connection is harmless: the inbox keeps the message, the next `sync` delivers it
 * again, the client drops it as a duplicate and acknowledges it again.
 */
export class AckBatcher {
  private ids: string[] = [];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly send: (ids: string[]) => Promise<unknown>,
    private readonly delayMs = 20,
  ) {}

  add(id: string): void {
    this.ids.push(id);
    if (this.ids.length >= maxAckIds) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Sends every waiting id now; resolves when the server answered (or the frames failed). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches: string[][] = [];
    while (this.ids.length > 0) batches.push(this.ids.splice(0, maxAckIds));
    await Promise.all(batches.map((ids) => this.send([...new Set(ids)]).catch(() => undefined)));
  }

  /** Forgets waiting ids (the connection is gone; the inbox redelivers them). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.ids = [];
  }
}
