import type { ChartUnit } from './chart-specs.ts';

/** A value as a legend shows it: `3.2/s`, `14 ms`, `7`; `—` for none. */
export function formatValue(value: number | null, unit: ChartUnit): string {
  if (value === null) return '—';
  const number = formatNumber(value);
  return unit === 'rate' ? `${number}/s` : unit === 'ms' ? `${number} ms` : number;
}

/** Two significant digits below 10, whole numbers above, thousands as `k`. */
export function formatNumber(value: number): string {
  if (value >= 10_000) return `${formatNumber(value / 1000)}k`;
  if (value >= 10 || value === 0) return String(Math.round(value));
  return Number(value.toPrecision(2)).toString();
}
