import type { MessageFrame, NotificationFrame } from '../protocol/server-frames.ts';
import { AckBatcher } from './acks.ts';
import { WaveletError } from './errors.ts';
import { RecentIds } from './recent-ids.ts';
import type { OutgoingFrame, RequestOptions } from './requests.ts';

/** Inbox pages fetched after one open; anything beyond waits for the next connection. */
const maxSyncPages = 50;
const syncPageSize = 100;
const internal: RequestOptions = { internal: true, resend: false };

export interface InboxDeps {
  readonly request: <T>(frame: OutgoingFrame, options: RequestOptions) => Promise<T>;
  readonly deliver: (frame: MessageFrame | NotificationFrame) => void;
  readonly error: (error: WaveletError) => void;
  /** The first sync was answered: the connection works end to end. */
  readonly synced: () => void;
  /** Writes a frame without `ref` (nothing is answered); false when no socket is open. */
  readonly post: (frame: OutgoingFrame) => boolean;
  readonly autoAck: boolean;
  readonly ackDelayMs: number;
  readonly dedupeWindow: number;
}

/**
 * Direct messages and notifications: the user's inbox on the server, which keeps each until
 * an `ack` names it. The client syncs it after every open, passes each id on once, and
 * acknowledges every copy it receives (a duplicate too: its earlier ack may have been lost).
 */
export class Inbox {
  private readonly seen: RecentIds;
  private readonly acks: AckBatcher;

  constructor(private readonly deps: InboxDeps) {
    this.seen = new RecentIds(deps.dedupeWindow);
    this.acks = new AckBatcher(
      {
        request: (ids) => deps.request({ action: 'ack', ids }, internal),
        post: (ids) => deps.post({ action: 'ack', ids }),
      },
      deps.ackDelayMs,
    );
  }

  receive(frame: MessageFrame | NotificationFrame): void {
    if (this.seen.add(frame.id)) this.deps.deliver(frame);
    if (this.deps.autoAck) this.acks.add(frame.id);
  }

  /**
   * Pushes the inbox page by page (the server posts a page's messages before its reply),
   * acknowledging each page (with a reply to wait for) before asking for the next, which would
   * otherwise be the same page. The last page's ids join the reply-less batch.
   */
  async sync(): Promise<void> {
    try {
      for (let page = 0; page < maxSyncPages; page++) {
        const result = await this.deps.request<{ delivered: number; more: boolean }>(
          { action: 'sync', limit: syncPageSize },
          internal,
        );
        if (page === 0) this.deps.synced();
        if (!this.deps.autoAck) return;
        if (!result.more || result.delivered === 0) return;
        await this.acks.flush();
      }
    } catch (error) {
      // A dropped connection syncs again on the next open.
      if (error instanceof WaveletError && error.code !== 'CLOSED') this.deps.error(error);
    }
  }

  /** The client is closing: waiting acks go out now, without reply, while the socket is open. */
  closing(): void {
    this.acks.post();
  }

  /** The connection is gone: waiting acks are forgotten (the next sync brings those messages again). */
  connectionLost(): void {
    this.acks.clear();
  }
}
