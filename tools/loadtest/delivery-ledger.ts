/**
 * Accounts for every expected delivery of every message by its id. The scenario knows each
 * message's audience when it sends (one partner, one user, the subscribers of a room), so a
 * message is expected `recipients` times; each recipient has a position in the audience
 * (0 for a single recipient, its slot in the room otherwise). A receipt beyond the first at the
 * same position is a duplicate; a position never reached by the end is a lost delivery.
 */
export interface DeliveryCounts {
  /** Messages sent and not rejected by the server. */
  readonly messages: number;
  /** Deliveries the scenario expects (messages times their recipients). */
  readonly expected: number;
  /** Expected deliveries that arrived at least once. */
  readonly delivered: number;
  /** Expected deliveries that never arrived. */
  readonly lost: number;
  /** Receipts beyond the first of the same message at the same recipient. */
  readonly duplicated: number;
  /** Receipts of messages this ledger never expected (or at a position outside the audience). */
  readonly unexpected: number;
}

interface Entry {
  readonly counts: Uint8Array;
  reached: number;
}

export class DeliveryLedger {
  private entries = new Map<string, Entry>();
  private cancelled = new Set<string>();
  private expectedTotal = 0;
  private reachedTotal = 0;
  private duplicated = 0;
  private unexpected = 0;

  /** Declares a message sent to an audience of `recipients`. */
  expect(id: string, recipients: number): void {
    if (this.entries.has(id)) throw new Error(`message ${id} is already expected`);
    this.entries.set(id, { counts: new Uint8Array(recipients), reached: 0 });
    this.expectedTotal += recipients;
  }

  /**
   * Withdraws a message the server refused (an error reply): it is expected nowhere. Receipts
   * that already arrived for it stay counted as unexpected.
   */
  cancel(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.cancelled.add(id);
    this.expectedTotal -= entry.counts.length;
    this.reachedTotal -= entry.reached;
    this.unexpected += entry.reached;
  }

  /** Records one receipt; says whether it was the first at that position. */
  receive(id: string, position: number): 'first' | 'duplicate' | 'unexpected' {
    const entry = this.entries.get(id);
    if (!entry || position < 0 || position >= entry.counts.length) {
      this.unexpected += 1;
      return 'unexpected';
    }
    const seen = entry.counts[position] ?? 0;
    if (seen < 255) entry.counts[position] = seen + 1;
    if (seen > 0) {
      this.duplicated += 1;
      return 'duplicate';
    }
    entry.reached += 1;
    this.reachedTotal += 1;
    return 'first';
  }

  /** Deliveries still awaited. */
  get pending(): number {
    return this.expectedTotal - this.reachedTotal;
  }

  counts(): DeliveryCounts {
    return {
      messages: this.entries.size,
      expected: this.expectedTotal,
      delivered: this.reachedTotal,
      lost: this.expectedTotal - this.reachedTotal,
      duplicated: this.duplicated,
      unexpected: this.unexpected,
    };
  }
}
