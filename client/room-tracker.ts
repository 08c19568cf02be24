import { historyMaxLimit } from '../protocol/limits.ts';
import type { HistoryPage, JoinResult } from '../protocol/results.ts';
import type { MessageFrame } from '../protocol/server-frames.ts';

/**
 * A gap in a room's seq. Either a live one, seen the moment a message skips seqs (the client is
 * recovering the missing ones with `history`), or an incomplete recovery: messages `fromSeq` to
 * `toSeq` could not be recovered (`expired`: no longer kept; `failed`: the server refused the
 * history), or the room was deleted and created again (`epoch`), so the app should reload the
 * room's history rather than trust its view.
 *
 * @example
 * ```ts
 * client.on('gap', (gap: GapEvent) => {
 *   if ('complete' in gap) reloadHistory(gap.room);
 * });
 * ```
 */
export type GapEvent =
  | { readonly room: string; readonly expectedSeq: number; readonly receivedSeq: number }
  | {
      readonly room: string;
      readonly complete: false;
      readonly reason: 'expired' | 'epoch' | 'failed';
      readonly fromSeq?: number;
      readonly toSeq?: number;
    };

export interface RoomTrackerDeps {
  readonly deliver: (message: MessageFrame) => void;
  readonly gap: (event: GapEvent) => void;
  /** A `history` request; rejects when the connection drops (the re-join recovers then). */
  readonly history: (room: string, before: number, limit: number) => Promise<HistoryPage>;
  /** A failed history request that is not a dropped connection. */
  readonly historyFailed: (error: unknown) => boolean;
  /**
   * A `join {since, epoch}`: the server pushes every entry after `since` (edits, deletes and
   * reactions too, which `history` does not list) before its reply.
   */
  readonly replay?: (room: string, fields: { since?: number; epoch?: number }) => Promise<JoinResult>;
}

/** Messages held out of order before the client gives up on the hole below them. */
const maxHeld = 2000;
/** History pages of a gap's recovery are as large as the protocol allows. */
const historyPage = historyMaxLimit;

/**
 * One joined room's position: the epoch and the last seq passed on to the app, in order and
 * without duplicates. Messages that arrive ahead of a hole wait here while the hole is
 * recovered, so the app sees each room in seq order.
 */
export class RoomTracker {
  epoch?: number;
  /** The last seq passed on; undefined until the first join's reply. */
  lastSeq?: number;
  /** Join requests not yet answered: while one runs, its own recovery fills holes. */
  joinsInFlight = 0;
  left = false;
  private latestKnown = 0;
  private readonly held = new Map<number, MessageFrame>();
  private recovering = false;
  /** The lastSeq of the hole a replay was last asked for: one replay per hole. */
  private replayedAt?: number;

  constructor(
    readonly room: string,
    private readonly deps: RoomTrackerDeps,
  ) {}

  /** The `since`/`epoch` of a (re-)join. */
  joinFields(): { since?: number; epoch?: number } {
    return this.lastSeq === undefined ? {} : { since: this.lastSeq, epoch: this.epoch };
  }

  receive(message: MessageFrame): void {
    const seq = message.seq;
    if (seq === undefined || this.left) return;
    if (this.lastSeq !== undefined && seq <= this.lastSeq) return;
    if (this.held.has(seq)) return;
    if (this.lastSeq !== undefined && seq === this.lastSeq + 1) {
      this.pass(message);
      this.drain();
      return;
    }
    this.held.set(seq, message);
    this.latestKnown = Math.max(this.latestKnown, seq);
    if (this.lastSeq === undefined || this.joinsInFlight > 0) return;
    if (this.held.size > maxHeld) {
      this.skipHole('expired');
      return;
    }
    this.startRecovery();
  }

  joined(result: JoinResult): void {
    if (this.left) return;
    const newLife = this.epoch !== undefined && result.epoch !== this.epoch;
    this.epoch = result.epoch;
    this.latestKnown = Math.max(this.latestKnown, result.seq);
    if (this.lastSeq === undefined || newLife) {
      // The first join starts at the room's present (older messages are history); a new life of
      // the room starts over, and whatever the app held belongs to the old one.
      if (newLife) this.deps.gap({ room: this.room, complete: false, reason: 'epoch' });
      this.lastSeq = result.seq;
      this.latestKnown = result.seq;
      for (const seq of this.held.keys()) if (seq <= result.seq) this.held.delete(seq);
      for (const seq of this.held.keys()) this.latestKnown = Math.max(this.latestKnown, seq);
      this.drain();
    }
    if (this.joinsInFlight === 0) this.startRecovery();
  }

  leave(): void {
    this.left = true;
    this.held.clear();
  }

  /** A join failed while the room stays joined: recover any hole with `history` instead. */
  resume(): void {
    if (this.joinsInFlight === 0) this.startRecovery();
  }

  /** Where the current hole ends (exclusive), or undefined when there is none. */
  private holeEnd(): number | undefined {
    if (this.lastSeq === undefined) return undefined;
    const end = this.held.size > 0 ? Math.min(...this.held.keys()) : this.latestKnown + 1;
    return end > this.lastSeq + 1 ? end : undefined;
  }

  private startRecovery(): void {
    if (this.recovering || this.left) return;
    const end = this.holeEnd();
    if (end === undefined || this.lastSeq === undefined) return;
    this.deps.gap({ room: this.room, expectedSeq: this.lastSeq + 1, receivedSeq: end });
    this.recovering = true;
    void this.recover().finally(() => {
      this.recovering = false;
    });
  }

  /** Pages `history` backwards from the hole's end until the hole is filled or found lost. */
  private async recover(): Promise<void> {
    for (;;) {
      const end = this.holeEnd();
      if (end === undefined || this.lastSeq === undefined || this.left) return;
      let page: HistoryPage;
      // The page counts every entry received so far in its messages' state.
      const asOf = this.latestKnown;
      try {
        page = await this.deps.history(this.room, end, Math.min(historyPage, end - this.lastSeq - 1));
      } catch (error) {
        // A dropped connection: the re-join after the reconnect recovers with `since`.
        if (this.deps.historyFailed(error)) this.skipHole('failed');
        return;
      }
      for (const m of [...page.messages].reverse())
        this.receive({ type: 'message', ...m, recovered: true, asOf } as MessageFrame);
      const after = this.holeEnd();
      if (after === undefined || after !== end) continue;
      // No progress: the hole holds entries history does not list (edits, deletes, reactions),
      // which a replay brings, or entries no longer kept.
      if (this.deps.replay && this.replayedAt !== this.lastSeq) {
        this.replayedAt = this.lastSeq;
        try {
          this.joined(await this.deps.replay(this.room, this.joinFields()));
        } catch (error) {
          if (!this.deps.historyFailed(error)) return;
        }
        continue;
      }
      this.skipHole('expired');
    }
  }

  /** Gives up on the current hole: reports it and passes on what waits above it. */
  private skipHole(reason: 'expired' | 'failed'): void {
    const end = this.holeEnd();
    if (end === undefined || this.lastSeq === undefined) return;
    this.deps.gap({ room: this.room, complete: false, reason, fromSeq: this.lastSeq + 1, toSeq: end - 1 });
    this.lastSeq = end - 1;
    this.drain();
  }

  private pass(message: MessageFrame): void {
    this.lastSeq = message.seq;
    this.latestKnown = Math.max(this.latestKnown, message.seq ?? 0);
    this.deps.deliver(message);
  }

  private drain(): void {
    if (this.lastSeq === undefined) return;
    for (let next = this.held.get(this.lastSeq + 1); next; next = this.held.get(this.lastSeq + 1)) {
      this.held.delete(this.lastSeq + 1);
      this.pass(next);
    }
  }
}
