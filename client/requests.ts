import type { ClientAction } from '../protocol/actions.ts';
import { dataDepthMessage, isWithinDataDepth } from '../protocol/data-depth.ts';
import { gatewayFrameBytes } from '../protocol/limits.ts';
import { WaveletError } from './errors.ts';

/**
 * API Gateway closes the connection on a frame over 32 KB: such a frame would be resent after
 * every reconnect and close each new connection in turn, so it is refused before it goes out.
 * Room for the `ref` is kept.
 */
export const maxFrameBytes = gatewayFrameBytes - 100;

/** UTF-8 length, without encoding when even three bytes a character would fit. */
function utf8Bytes(text: string): number {
  return text.length * 3 <= maxFrameBytes ? text.length : new TextEncoder().encode(text).length;
}

/** A frame as the client builds it; `ref` is added when it goes out. */
export type OutgoingFrame = Record<string, unknown> & { action: ClientAction };

export interface RequestOptions {
  /** Sent again after a reconnect when the connection drops before the reply. @default true */
  readonly resend?: boolean;
  /** Frames the client sends for itself (sync, ack, heartbeats) are never queued. @default false */
  readonly internal?: boolean;
  /** Overrides `requestTimeoutMs` (heartbeats have their own). */
  readonly timeoutMs?: number;
}

interface Pending {
  /** Submission order: a reconnect sends what waited in this order. */
  readonly order: number;
  /** Built at each write, so a resent `join` carries the latest `since`. */
  readonly build: () => OutgoingFrame;
  readonly resend: boolean;
  readonly internal: boolean;
  readonly timeoutMs: number;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: WaveletError) => void;
  ref?: string;
  timer?: ReturnType<typeof setTimeout>;
  rateLimitRetries: number;
}

export interface RequestsDeps {
  /** Writes a frame when the socket is open; false when it is not. */
  readonly write: (text: string) => boolean;
  readonly requestTimeoutMs: number;
  readonly maxQueuedFrames: number;
  readonly rateLimitRetries: number;
  readonly random?: () => number;
}

/**
 * Requests and their replies: a `ref` per frame sent, a timeout from the moment it is written,
 * the outgoing queue while there is no open socket (bounded), resending after a reconnect,
 * and waiting out `RATE_LIMITED` before trying again.
 */
export class Requests {
  private readonly queued: Pending[] = [];
  private readonly inFlight = new Map<string, Pending>();
  private readonly waiting = new Set<Pending>();
  private counter = 0;

  constructor(private readonly deps: RequestsDeps) {}

  /** Sends a frame now or queues it; resolves with the reply's `result`. */
  request<T>(build: () => OutgoingFrame, options: RequestOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        order: this.nextOrder(),
        build,
        resend: options.resend ?? true,
        internal: options.internal ?? false,
        timeoutMs: options.timeoutMs ?? this.deps.requestTimeoutMs,
        resolve: resolve as (result: unknown) => void,
        reject,
        rateLimitRetries: 0,
      };
      const frame = build();
      // Checked before serializing: the server refuses it anyway, and a value nested deep
      // enough would overflow the stack in JSON.stringify.
      if (!isWithinDataDepth((frame as { data?: unknown }).data)) {
        reject(new WaveletError('BAD_REQUEST', dataDepthMessage));
        return;
      }
      const bytes = utf8Bytes(JSON.stringify(frame));
      if (bytes > maxFrameBytes) {
        reject(
          new WaveletError(
            'PAYLOAD_TOO_LARGE',
            `The frame is ${bytes} bytes; API Gateway takes at most 32 KB (keep data under the server's limit, 16 KB by default)`,
          ),
        );
        return;
      }
      if (this.trySend(pending)) return;
      if (pending.internal) {
        reject(new WaveletError('CLOSED', 'Not connected'));
        return;
      }
      if (this.queued.length >= this.deps.maxQueuedFrames) {
        reject(
          new WaveletError(
            'QUEUE_FULL',
            `The outgoing queue is full: ${this.queued.length} frames wait for a connection`,
          ),
        );
        return;
      }
      this.queued.push(pending);
    });
  }

  /** Settles the request a `reply` or `error` frame answers; false when its ref is not ours (any more). */
  handleAnswer(frame: { type: string; ref?: unknown; result?: unknown } & Record<string, unknown>): boolean {
    if (typeof frame.ref !== 'string') return false;
    const pending = this.inFlight.get(frame.ref);
    if (!pending) return false;
    this.inFlight.delete(frame.ref);
    clearTimeout(pending.timer);
    if (frame.type === 'reply') {
      pending.resolve(frame.result);
      return true;
    }
    const code = typeof frame.code === 'string' ? frame.code : 'INTERNAL';
    const message = typeof frame.message === 'string' ? frame.message : code;
    const retryAfterMs = typeof frame.retryAfterMs === 'number' ? frame.retryAfterMs : undefined;
    if (code === 'RATE_LIMITED' && pending.rateLimitRetries < this.deps.rateLimitRetries) {
      pending.rateLimitRetries += 1;
      this.waitAndRetry(pending, retryAfterMs ?? 1000);
      return true;
    }
    pending.reject(new WaveletError(code, message, { retryAfterMs }));
    return true;
  }

  /** The socket opened: sends what waited, oldest first. */
  flush(): void {
    const ready = this.queued.splice(0).sort((a, b) => a.order - b.order);
    for (let i = 0; i < ready.length; i++) {
      const pending = ready[i]!;
      if (!this.trySend(pending)) {
        // Closed again while flushing: the rest keeps waiting, in order.
        this.queued.unshift(...ready.slice(i));
        return;
      }
    }
  }

  /** The socket closed: unanswered requests wait for the next connection, or fail if not resendable. */
  connectionLost(): void {
    const lost = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const pending of lost) {
      clearTimeout(pending.timer);
      if (pending.resend) this.queued.push(pending);
      else pending.reject(new WaveletError('CLOSED', 'The connection closed before the reply'));
    }
    this.queued.sort((a, b) => a.order - b.order);
  }

  /** Rejects everything (the client closed or gave up). */
  rejectAll(error: WaveletError): void {
    const all = [...this.queued.splice(0), ...this.inFlight.values(), ...this.waiting];
    this.inFlight.clear();
    this.waiting.clear();
    for (const pending of all) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  /** Frames waiting for a connection. */
  get queuedCount(): number {
    return this.queued.length;
  }

  private trySend(pending: Pending): boolean {
    const ref = `c${this.nextOrder()}`;
    if (!this.deps.write(JSON.stringify({ ...pending.build(), ref }))) return false;
    pending.ref = ref;
    this.inFlight.set(ref, pending);
    pending.timer = setTimeout(() => {
      if (this.inFlight.get(ref) !== pending) return;
      this.inFlight.delete(ref);
      pending.reject(new WaveletError('TIMEOUT', `No reply within ${pending.timeoutMs} ms`));
    }, pending.timeoutMs);
    return true;
  }

  private waitAndRetry(pending: Pending, retryAfterMs: number): void {
    // A little jitter, so that requests throttled together do not all return in the same ms.
    const jitter = Math.floor((this.deps.random ?? Math.random)() * Math.min(250, retryAfterMs / 5 + 10));
    this.waiting.add(pending);
    pending.timer = setTimeout(() => {
      this.waiting.delete(pending);
      if (this.trySend(pending)) return;
      if (pending.internal) pending.reject(new WaveletError('CLOSED', 'Not connected'));
      else this.queued.push(pending);
    }, retryAfterMs + jitter);
  }

  private nextOrder(): number {
    this.counter += 1;
    return this.counter;
  }
}
