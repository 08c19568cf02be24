import { maxAckIds } from '../protocol/limits.ts';

/** How long delivered ids wait before one `ack` frame names them all (the `ackDelayMs` default). */
export const defaultAckDelayMs = 5000;

export interface AckSenders {
  /** Sends an `ack` frame with a `ref` and resolves with its reply (used between `sync` pages). */
  readonly request: (ids: string[]) => Promise<unknown>;
  /** Writes an `ack` frame without `ref` (no reply frame is billed); false when no socket is open. */
  readonly post: (ids: string[]) => boolean;
}

/**
 * Coalesces acknowledgements of delivered direct messages and notifications: ids collect for
 * `delayMs` from the first one (or until 100 wait) and go out in one `ack` frame without `ref`,
 * so the server sends no reply. An ack lost with the connection is harmless: the inbox keeps the
 * message, the next `sync` delivers it again, the client drops it as a duplicate and acknowledges
 * it again.
 */
export class AckBatcher {
  private ids: string[] = [];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly senders: AckSenders,
    private readonly delayMs = defaultAckDelayMs,
  ) {}

  add(id: string): void {
    this.ids.push(id);
    if (this.ids.length >= maxAckIds) this.post();
    else this.timer ??= setTimeout(() => this.post(), this.delayMs);
  }

  /** Writes every waiting id now in reply-less frames; ids that find no open socket are dropped. */
  post(): void {
    for (const ids of this.take()) this.senders.post(ids);
  }

  /** Sends every waiting id now with a `ref`; resolves when the server answered (or the frames failed). */
  async flush(): Promise<void> {
    await Promise.all(this.take().map((ids) => this.senders.request(ids).catch(() => undefined)));
  }

  /** Forgets waiting ids (the connection is gone; the inbox redelivers them). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.ids = [];
  }

  private take(): string[][] {
    clearTimeout(this.timer);
    this.timer = undefined;
    const unique = [...new Set(this.ids)];
    this.ids = [];
    const batches: string[][] = [];
    for (let i = 0; i < unique.length; i += maxAckIds) batches.push(unique.slice(i, i + maxAckIds));
    return batches;
  }
}
