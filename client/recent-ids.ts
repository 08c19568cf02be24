/**
 * A bounded set of recently seen message ids, oldest forgotten first. Duplicates come from
 * redelivery (an unacknowledged inbox entry, a retried post, a message that arrived both live
 * and by recovery), and they come soon after the original, so a few thousand ids are enough
 * and memory stays flat however long the client runs.
 *
 * @example
 * ```ts
 * const seen = new RecentIds(2);
 * seen.add('a'); // true: first time
 * seen.add('a'); // false: a duplicate
 * ```
 */
export class RecentIds {
  // A Set iterates in insertion order, so its first entry is the oldest.
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Records `id`; false when it was already there (a duplicate). */
  add(id: string): boolean {
    if (this.ids.has(id)) {
      // Refreshed, so an id that keeps coming back stays remembered.
      this.ids.delete(id);
      this.ids.add(id);
      return false;
    }
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
