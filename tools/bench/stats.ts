/** Percentile of an ascending-sorted list (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** `n` rounded to `digits` decimals; NaN for a missing figure (JSON turns NaN into null). */
export const round = (n: number | null | undefined, digits = 2): number =>
  typeof n === 'number' && Number.isFinite(n) ? Number(n.toFixed(digits)) : Number.NaN;
