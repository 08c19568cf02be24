import type { SeriesPoint } from './coordinator.ts';
import type { LoadTestReport } from './report.ts';

const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

interface Line {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** SVG `stroke-dasharray`; solid when absent. */
  readonly dash?: string;
  readonly width?: number;
  /** Drawn later lines lie on top: a line that often equals another is drawn after it. */
  readonly layer?: number;
}

/** One SVG line chart (no script, no external resource): time on x, the lines on y from 0. */
function lineChart(title: string, unit: string, times: readonly number[], lines: readonly Line[]): string {
  const w = 900;
  const h = 260;
  const pad = { left: 60, right: 20, top: 30, bottom: 30 };
  const all = lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  const yMax = niceCeiling(Math.max(1e-9, ...all));
  const tMax = Math.max(1, ...times);
  const x = (t: number) => pad.left + (t / tMax) * (w - pad.left - pad.right);
  const y = (v: number) => h - pad.bottom - (v / yMax) * (h - pad.top - pad.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = yMax * f;
      return `<line x1="${pad.left}" x2="${w - pad.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end">${+v.toPrecision(3)}</text>`;
    })
    .join('');
  const xTicks = Array.from({ length: 6 }, (_, i) => (tMax * i) / 5)
    .map((t) => `<text x="${x(t)}" y="${h - 10}" text-anchor="middle">${t.toFixed(0)} s</text>`)
    .join('');
  const paths = [...lines]
    .sort((a, b) => (a.layer ?? 0) - (b.layer ?? 0))
    .map((l) => {
      let d = '';
      let pen = 'M';
      l.values.forEach((v, i) => {
        if (v === null) {
          pen = 'M';
          return;
        }
        d += `${pen}${x(times[i] ?? 0).toFixed(1)},${y(v).toFixed(1)} `;
        pen = 'L';
      });
      const dash = l.dash ? ` stroke-dasharray="${l.dash}"` : '';
      return `<path data-line="${esc(l.label)}" d="${d}" fill="none" stroke="${l.color}" stroke-width="${l.width ?? 1.5}"${dash}/>`;
    })
    .join('');
  const legend = lines
    .map((l, i) => `<text x="${pad.left + 10 + i * 150}" y="18" fill="${l.color}">■ ${esc(l.label)}</text>`)
    .join('');
  return `<h2>${esc(title)}</h2><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-size="11">
<text x="${pad.left - 6}" y="${pad.top - 12}" text-anchor="end">${esc(unit)}</text>${grid}${xTicks}${paths}${legend}</svg>`;
}

function niceCeiling(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * Per-second rates of a cumulative count. The coordinator ticks once a second, but its last tick
 * comes whenever the run ends, often a fraction of a second after the one before, and carries
 * the workers' final reports: up to a second's worth of counts over a tenth of a second drew a
 * tenfold spike that never happened. A point less than half a second after the last charted one
 * is left out of the rate chart (its counts are in the run's totals).
 */
export function ratesPerSecond(
  series: readonly SeriesPoint[],
  pick: (p: SeriesPoint) => number,
): { times: number[]; values: (number | null)[] } {
  const kept: SeriesPoint[] = [];
  for (const p of series) {
    const last = kept[kept.length - 1];
    if (!last || p.t - last.t >= 0.5) kept.push(p);
  }
  return {
    times: kept.map((p) => p.t),
    values: kept.map((p, i) => {
      const prev = kept[i - 1];
      if (!prev) return null;
      return (pick(p) - pick(prev)) / Math.max(0.001, p.t - prev.t);
    }),
  };
}

/**
 * The latency lines, p99 on top: in a second with few receipts p99 equals max, and a max line
 * drawn over it hid it. Max is dashed and thin underneath, so where they meet p99 shows.
 */
export function latencyLines(s: readonly SeriesPoint[]): Line[] {
  return [
    { label: 'p50', color: '#1f77b4', values: s.map((p) => p.p50), layer: 1 },
    { label: 'p99', color: '#ff7f0e', values: s.map((p) => p.p99), layer: 2, width: 2.5 },
    { label: 'max', color: '#d62728', values: s.map((p) => p.max), layer: 0, dash: '4 3', width: 1 },
  ];
}

function verdict(report: LoadTestReport): string {
  const target = report.latencyTarget
    ? `latency p99 ${report.latencyTarget.measuredP99Ms} ms against a target of ${report.latencyTarget.p99Ms} ms; `
    : '';
  return report.ok ? `${target}OK` : `${target}NOT OK: ${report.failures.join('; ')}`;
}

/** A self-contained HTML page: latency over time, throughput over time, open connections. */
export function renderChart(report: LoadTestReport): string {
  const s = report.series;
  const times = s.map((p) => p.t);
  const l = report.latencyMs;
  // Sent and received have charts of their own: a room publish reaches every member, so on one
  // axis the sent line lay flat along the bottom of the received one.
  const sent = ratesPerSecond(s, (p) => p.sent);
  const received = ratesPerSecond(s, (p) => p.received);
  return `<!doctype html><html><head><meta charset="utf-8"><title>wavelet load test: ${esc(report.scenario)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}svg{background:#fff;border:1px solid #eee}td,th{padding:2px 10px;text-align:right}</style></head><body>
<h1>wavelet load test: ${esc(report.scenario)}</h1>
<p>${esc(report.url)}; started ${esc(report.startedAt)}; ${report.connections.opened} connections; ${report.throughput.sent} messages sent; lost ${report.deliveries.lost}, duplicated ${report.deliveries.duplicated}</p>
<p class="verdict"><b>${esc(verdict(report))}</b></p>
<table><tr><th></th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>
<tr><th>latency (ms)</th><td>${l.count}</td><td>${l.p50}</td><td>${l.p90}</td><td>${l.p99}</td><td>${l.p999}</td><td>${l.max}</td></tr></table>
${lineChart('Latency per second', 'ms', times, latencyLines(s))}
${lineChart('Messages sent per second', 'per s', sent.times, [{ label: 'sent', color: '#2ca02c', values: sent.values }])}
${lineChart('Deliveries received per second', 'per s', received.times, [
  { label: 'received', color: '#9467bd', values: received.values },
])}
${lineChart('Open connections', 'sockets', times, [
  { label: 'open', color: '#17becf', values: s.map((p) => p.open) },
])}
${lineChart('Load generator event-loop lag', 'ms', times, [
  { label: 'p99 (worst process)', color: '#7f7f7f', values: s.map((p) => p.lagP99Ms) },
])}
${report.warnings.map((w) => `<p><b>warning:</b> ${esc(w)}</p>`).join('\n')}
</body></html>
`;
}
