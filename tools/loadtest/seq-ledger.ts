/**
 * Accounts for a room's messages by `seq`, independently of message ids: the protocol numbers a
 * room's messages 1, 2, 3… with no gaps, so every subscriber of a room that existed before the
 * first publish must see each seq from 1 to the highest one handed out, exactly once. The highest
 * seq is the larger of what the publish replies said and what any subscriber received.
 */
export interface SeqCounts {
  readonly rooms: number;
  /** Highest seq summed over rooms (messages the rooms hold). */
  readonly messages: number;
  /** Seqs every subscriber should have seen, summed. */
  readonly expected: number;
  readonly received: number;
  /** (subscriber, seq) pairs in 1..highest never received. */
  readonly lost: number;
  /** Receipts of a seq the subscriber already had. */
  readonly duplicated: number;
  /** Times a subscriber received a seq more than one past the highest it had (seen live). */
  readonly gaps: number;
}

interface Room {
  highest: number;
  readonly subscribers: Map<number, { seen: Set<number>; top: number }>;
}

export class SeqLedger {
  private rooms = new Map<string, Room>();
  private duplicated = 0;
  private gaps = 0;

  /** Declares a subscriber of a room (before anything is published there). */
  subscribe(room: string, subscriber: number): void {
    this.room(room).subscribers.set(subscriber, { seen: new Set(), top: 0 });
  }

  /** Notes a seq handed out by a publish reply. */
  issued(room: string, seq: number): void {
    const r = this.room(room);
    r.highest = Math.max(r.highest, seq);
  }

  /** Records that a subscriber received a seq; says whether it was new to that subscriber. */
  receive(room: string, subscriber: number, seq: number): 'first' | 'duplicate' {
    const r = this.room(room);
    r.highest = Math.max(r.highest, seq);
    let s = r.subscribers.get(subscriber);
    if (!s) {
      s = { seen: new Set(), top: 0 };
      r.subscribers.set(subscriber, s);
    }
    if (s.seen.has(seq)) {
      this.duplicated += 1;
      return 'duplicate';
    }
    if (seq > s.top + 1) this.gaps += 1;
    s.top = Math.max(s.top, seq);
    s.seen.add(seq);
    return 'first';
  }

  counts(): SeqCounts {
    let messages = 0;
    let expected = 0;
    let received = 0;
    for (const r of this.rooms.values()) {
      messages += r.highest;
      for (const s of r.subscribers.values()) {
        expected += r.highest;
        received += s.seen.size;
      }
    }
    return {
      rooms: this.rooms.size,
      messages,
      expected,
      received,
      lost: expected - received,
      duplicated: this.duplicated,
      gaps: this.gaps,
    };
  }

  private room(room: string): Room {
    let r = this.rooms.get(room);
    if (!r) {
      r = { highest: 0, subscribers: new Map() };
      this.rooms.set(room, r);
    }
    return r;
  }
}
