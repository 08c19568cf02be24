/**
 * Prints a fault test's counts as one readable block, so that a run's log shows what was sent,
 * received, lost and duplicated.
 *
 * @example
 * printCounts('posts with 20% 429', { sent: 300, received: 300, lost: 0 });
 */
export function printCounts(title: string, counts: Readonly<Record<string, number | string>>): void {
  const width = Math.max(...Object.keys(counts).map((k) => k.length));
  const lines = Object.entries(counts).map(([name, value]) => `  ${name.padEnd(width)}  ${value}`);
  console.log([`${title}:`, ...lines].join('\n'));
}

/** How many keys occur more than once. */
export function repeated(keys: Iterable<string>): number {
  const seen = new Map<string, number>();
  for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  return [...seen.values()].filter((n) => n > 1).length;
}
