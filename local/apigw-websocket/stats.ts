/** Named counters a benchmark reads to turn calls into cost. */
export class Counters {
  private readonly counts: Record<string, number> = {};

  increment(name: string): void {
    this.counts[name] = (this.counts[name] ?? 0) + 1;
  }

  snapshot(): Record<string, number> {
    return { ...this.counts };
  }
}
