import type { Point } from './series-math.ts';

/** The points a chart shows: the last `spanMs` of them, with the series in order of appearance. */
export class Timeline {
  readonly points: { readonly at: number; readonly values: Point }[] = [];
  /** Series names, in the order they first appeared (legend and colors stay put). */
  readonly series: string[] = [];

  constructor(readonly spanMs = 60_000) {}

  add(at: number, values: Point): void {
    this.points.push({ at, values });
    for (const name of Object.keys(values)) if (!this.series.includes(name)) this.series.push(name);
    while (this.points.length > 0 && (this.points[0]?.at ?? at) < at - this.spanMs) this.points.shift();
  }

  /** The latest value of each series (`null` when it has none now). */
  latest(): Record<string, number | null> {
    const last = this.points.at(-1)?.values ?? {};
    return Object.fromEntries(this.series.map((name) => [name, last[name] ?? null]));
  }
}

/** Round axis steps: the smallest 1, 2 or 5 × 10ⁿ that splits `max` into at most `count` steps. */
export function niceTicks(max: number, count = 4): number[] {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power) as number;
  const ticks: number[] = [];
  for (let v = 0; v < top + step - 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}
