import WebSocket from 'ws';
import { errorCodes } from '../../../protocol/errors.ts';
import { excerpt, Tally } from './census.ts';
import { type FuzzFrame, frameText, makeRef } from './ws-frames.ts';

type Answer = Record<string, unknown>;

/** One thing that went wrong, with the frame that caused it. */
export interface Violation {
  readonly kind: string;
  readonly label: string;
  readonly frame: string;
  readonly answer: string;
}

/** What a run of frames got, over all connections. */
export class WsFuzzStats {
  sent = 0;
  replies = 0;
  readonly errors = new Tally();
  internal = 0;
  /** Pushed frames (`message`, `event`, `notification`), which valid frames cause. */
  pushes = 0;
  autoAcks = 0;
  /** Frames that are none of the protocol's (API Gateway's own `Internal server error`...). */
  foreign = 0;
  /** The first few of them, for the report. */
  readonly foreignSamples: string[] = [];
  unexpectedCloses = 0;
  readonly violations: Violation[] = [];

  violate(kind: string, frame: FuzzFrame, text: string, answer: unknown): void {
    this.violations.push({
      kind,
      label: frame.label,
      frame: excerpt(text),
      answer: excerpt(JSON.stringify(answer) ?? ''),
    });
  }

  /** Violations grouped by kind and label, each with its first example. */
  summary(): string[] {
    const groups = new Map<string, { n: number; first: Violation }>();
    for (const v of this.violations) {
      const key = `${v.kind} | ${v.label}`;
      const g = groups.get(key);
      if (g) g.n++;
      else groups.set(key, { n: 1, first: v });
    }
    return [...groups.entries()].map(([key, g]) => `${key} x${g.n}: ${g.first.frame} -> ${g.first.answer}`);
  }
}

/**
 * A fuzzing client on one connection: sends frames with up to `window` awaiting their answer,
 * matches answers by ref, counts the answers of ref-less frames (errors with a null ref,
 * pongs), and acknowledges the direct messages it receives so that inboxes stay small.
 */
export class FuzzConnection {
  private readonly pending = new Map<string, (answer: Answer) => void>();
  private serial = 0;
  private reflessErrors = 0;
  private pongs = 0;
  private expectedRefless = { error: 0, pong: 0 };
  private closedUnexpectedly = false;
  private stopping = false;
  private unacked: string[] = [];

  private constructor(
    private readonly ws: WebSocket,
    private readonly name: string,
    private readonly stats: () => WsFuzzStats,
  ) {
    ws.on('message', (data) => this.receive(String(data)));
    ws.on('close', () => {
      if (!this.stopping) {
        this.closedUnexpectedly = true;
        this.stats().unexpectedCloses++;
      }
    });
  }

  static open(url: string, name: string, stats: () => WsFuzzStats): Promise<FuzzConnection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(new FuzzConnection(ws, name, stats)));
      ws.once('error', reject);
    });
  }

  private receive(text: string): void {
    let frame: Answer;
    try {
      frame = JSON.parse(text);
    } catch {
      this.foreignFrame(text);
      return;
    }
    const ref = frame.ref;
    if ((frame.type === 'reply' || frame.type === 'error') && typeof ref === 'string') {
      const resolve = this.pending.get(ref);
      if (resolve) {
        this.pending.delete(ref);
        resolve(frame);
        return;
      }
    }
    if (frame.type === 'error' && ref === null) this.reflessErrors++;
    else if (frame.type === 'pong') this.pongs++;
    else if (frame.type === 'message' || frame.type === 'notification' || frame.type === 'event') {
      this.stats().pushes++;
      if (frame.type !== 'event' && typeof frame.id === 'string' && !frame.room) this.queueAck(frame.id);
    } else this.foreignFrame(text);
  }

  private foreignFrame(text: string): void {
    const stats = this.stats();
    stats.foreign++;
    if (stats.foreignSamples.length < 5) stats.foreignSamples.push(excerpt(text, 300));
  }

  private queueAck(id: string): void {
    this.unacked.push(id);
    if (this.unacked.length >= 20) this.flushAcks();
  }

  private flushAcks(): void {
    const ids = this.unacked.splice(0, 100);
    if (ids.length === 0 || this.ws.readyState !== WebSocket.OPEN) return;
    const ref = `${this.name}-ack${this.serial++}`;
    const text = JSON.stringify({ action: 'ack', ids, ref });
    const frame = { label: 'auto ack', expect: 'reply' } as const;
    this.pending.set(ref, (answer) => this.check(frame, text, answer));
    this.stats().autoAcks++;
    this.ws.send(text);
  }

  /** Sends every frame, `window` at a time, and checks each answer. */
  async run(
    frames: readonly (readonly [FuzzFrame, string])[],
    window: number,
    timeoutMs: number,
  ): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    for (const [frame, padding] of frames) {
      while (inFlight.size >= window) await Promise.race(inFlight);
      const p = this.sendOne(frame, padding, timeoutMs);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
    this.flushAcks();
  }

  private async sendOne(frame: FuzzFrame, padding: string, timeoutMs: number): Promise<void> {
    const stats = this.stats();
    const ref = makeRef(`${this.name}.${this.serial++}`, padding);
    const text = frameText(frame, ref);
    stats.sent++;
    if (this.ws.readyState !== WebSocket.OPEN) {
      stats.violate('sent on a closed connection', frame, text, null);
      return;
    }
    if (frame.refless) {
      this.expectedRefless[frame.refless]++;
      this.ws.send(text);
      return;
    }
    const answer = await new Promise<Answer | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        resolve(undefined);
      }, timeoutMs);
      this.pending.set(ref, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
      this.ws.send(text);
    });
    this.check(frame, text, answer);
  }

  private check(frame: FuzzFrame, text: string, answer: Answer | undefined): void {
    const stats = this.stats();
    if (!answer) {
      stats.violate('no answer', frame, text, null);
      return;
    }
    if (answer.type === 'reply') {
      stats.replies++;
      if (typeof answer.result !== 'object' || answer.result === null)
        stats.violate('reply without result', frame, text, answer);
      if (frame.expect === 'error') stats.violate('accepted a frame it must refuse', frame, text, answer);
      return;
    }
    const code = String(answer.code);
    stats.errors.add(code);
    if (code === 'INTERNAL') {
      stats.internal++;
      stats.violate('INTERNAL', frame, text, answer);
    } else if (!(errorCodes as readonly string[]).includes(code))
      stats.violate('unknown error code', frame, text, answer);
    else if (frame.expect === 'reply') stats.violate('refused a valid frame', frame, text, answer);
  }

  /** Waits for the answers of ref-less frames; records a violation per missing or extra one. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (
      Date.now() < deadline &&
      (this.reflessErrors < this.expectedRefless.error ||
        this.pongs < this.expectedRefless.pong ||
        this.pending.size > 0)
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const stats = this.stats();
    stats.errors.add('(ref null)', this.reflessErrors);
    const note = { label: 'ref-less frames', expect: 'error' } as const;
    if (this.reflessErrors !== this.expectedRefless.error) {
      stats.violate('ref-less errors', note, `${this.name}`, {
        expected: this.expectedRefless.error,
        got: this.reflessErrors,
      });
    }
    if (this.pongs !== this.expectedRefless.pong) {
      stats.violate('pongs', note, `${this.name}`, { expected: this.expectedRefless.pong, got: this.pongs });
    }
    this.reflessErrors = 0;
    this.pongs = 0;
    this.expectedRefless = { error: 0, pong: 0 };
  }

  get open(): boolean {
    return !this.closedUnexpectedly && this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.stopping = true;
    this.ws.close(1000);
  }
}
