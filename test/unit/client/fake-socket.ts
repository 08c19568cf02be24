import type { WebSocketConstructor } from '../../../client/index.ts';

export type Frame = Record<string, unknown>;

/**
 * A WebSocket stand-in with the browser's handler properties. The test plays the server:
 * `open()`, `receive()`, `reply()`, `drop()`; what the client sent is in `sent`.
 */
export class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: Frame[] = [];
  closedWith?: { code?: number; reason?: string };

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  static reset(): void {
    FakeSocket.instances = [];
  }

  /** The newest socket the client created. */
  static last(): FakeSocket {
    const socket = FakeSocket.instances.at(-1);
    if (!socket) throw new Error('no socket was created');
    return socket;
  }

  send(text: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(text) as Frame);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return;
    this.closedWith = { code, reason };
    this.readyState = 3;
    this.onclose?.({ code: code ?? 1005, reason: reason ?? '' });
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** The server closes the connection (idle timeout, DELETE @connections, network loss). */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }

  /** A handshake that fails (401): error, then close, and never open. */
  refuse(): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code: 1006, reason: '' });
  }

  receive(frame: Frame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** Frames sent with this action. */
  ofAction(action: string): Frame[] {
    return this.sent.filter((f) => f.action === action);
  }

  /** Answers the oldest unanswered frame with this action. */
  reply(action: string, result: unknown): Frame {
    const frame = this.unanswered(action);
    this.receive({ type: 'reply', ref: frame.ref, result });
    return frame;
  }

  /** Answers the oldest unanswered frame with this action with an error frame. */
  fail(action: string, code: string, extra: Frame = {}): Frame {
    const frame = this.unanswered(action);
    this.receive({ type: 'error', ref: frame.ref, code, message: `${code} for the test`, ...extra });
    return frame;
  }

  private readonly answered = new Set<unknown>();

  private unanswered(action: string): Frame {
    const frame = this.ofAction(action).find((f) => !this.answered.has(f.ref));
    if (!frame) throw new Error(`no unanswered ${action} frame; sent: ${JSON.stringify(this.sent)}`);
    this.answered.add(frame.ref);
    return frame;
  }
}

export const FakeWebSocket = FakeSocket as unknown as WebSocketConstructor;
