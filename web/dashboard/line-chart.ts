import { el } from '../dom.ts';
import type { ChartSpec } from './chart-specs.ts';
import { formatNumber, formatValue } from './format.ts';
import { niceTicks, type Timeline } from './timeline.ts';

const svgNs = 'http://www.w3.org/2000/svg';
/** Tableau 10: distinct, and readable by most color-blind viewers. */
const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7'];
const width = 640;
const height = 220;
const margin = { top: 26, right: 14, bottom: 26, left: 52 };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/**
 * One chart: a titled card with an SVG line plot of the last minute (time axis, value axis with
 * round ticks) and a legend of the latest values. The section carries `data-state` (`empty`
 * until its metrics appear, then `live`) and `data-total` (the sum of the latest values); each
 * legend entry carries `data-series` and `data-value`, so a test reads what a person sees.
 */
export class LineChart {
  readonly element: HTMLElement;
  private readonly plot: SVGSVGElement;
  private readonly legend: HTMLUListElement;
  private readonly colors = new Map<string, string>();

  constructor(private readonly spec: ChartSpec) {
    this.plot = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': spec.title });
    this.legend = el('ul', { class: 'legend' });
    this.element = el(
      'section',
      { class: 'chart', attrs: { 'data-chart': spec.id, 'data-state': 'empty', 'data-unit': spec.unit } },
      el('header', {}, el('h2', { text: spec.title }), el('p', { class: 'source', text: spec.source })),
      el('div', { class: 'plot' }, this.plot, el('p', { class: 'empty', text: spec.empty })),
      this.legend,
    );
  }

  /** Redraws from the timeline; `now` is the right edge of the time axis. */
  update(timeline: Timeline, now: number): void {
    this.element.dataset.state = timeline.series.length > 0 ? 'live' : 'empty';
    const latest = timeline.latest();
    const total = Object.values(latest).reduce<number>((sum, v) => sum + (v ?? 0), 0);
    this.element.dataset.total = String(total);
    this.drawPlot(timeline, now);
    this.drawLegend(latest);
  }

  private colorOf(series: string): string {
    let color = this.colors.get(series) ?? this.spec.colors?.[series];
    if (!color) color = palette[this.colors.size % palette.length] ?? '#4e79a7';
    this.colors.set(series, color);
    return color;
  }

  private drawPlot(timeline: Timeline, now: number): void {
    const x0 = margin.left;
    const x1 = width - margin.right;
    const y0 = height - margin.bottom;
    const y1 = margin.top;
    const start = now - timeline.spanMs;
    let max = 0;
    for (const p of timeline.points)
      for (const v of Object.values(p.values)) if (v !== null && v > max) max = v;
    // Counts are whole: at least 0..4, so that the steps are whole too.
    const ticks = niceTicks(this.spec.unit === 'count' ? Math.max(max * 1.05, 4) : max * 1.05);
    const top = ticks.at(-1) ?? 1;
    const x = (at: number) => x0 + ((at - start) / timeline.spanMs) * (x1 - x0);
    const y = (v: number) => y0 - (v / top) * (y0 - y1);

    const nodes: SVGElement[] = [];
    for (const tick of ticks) {
      nodes.push(svg('line', { class: 'grid', x1: x0, x2: x1, y1: y(tick), y2: y(tick) }));
      const label = svg('text', { class: 'tick', x: x0 - 6, y: y(tick) + 4, 'text-anchor': 'end' });
      label.textContent = formatNumber(tick);
      nodes.push(label);
    }
    for (const secondsAgo of [60, 45, 30, 15, 0]) {
      const at = x(now - secondsAgo * 1000);
      const label = svg('text', { class: 'tick', x: at, y: height - 8, 'text-anchor': 'middle' });
      label.textContent = secondsAgo === 0 ? 'now' : `−${secondsAgo}s`;
      nodes.push(label, svg('line', { class: 'axis', x1: at, x2: at, y1: y0, y2: y0 + 4 }));
    }
    nodes.push(svg('line', { class: 'axis', x1: x0, x2: x1, y1: y0, y2: y0 }));
    const unitLabel = svg('text', { class: 'unit', x: x0 - 6, y: 12, 'text-anchor': 'end' });
    unitLabel.textContent = this.spec.unit === 'ms' ? 'ms' : this.spec.unit === 'rate' ? 'per s' : 'open';
    nodes.push(unitLabel);

    for (const series of timeline.series) {
      // A gap where a series had no value (no observation in a latency window).
      let d = '';
      let pen = false;
      let last: [number, number] | undefined;
      for (const p of timeline.points) {
        const v = p.values[series];
        if (v === null || v === undefined || p.at < start) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
        last = [x(p.at), y(v)];
      }
      if (!d) continue;
      const color = this.colorOf(series);
      nodes.push(svg('path', { class: 'line', d, stroke: color, 'data-series': series }));
      if (last) nodes.push(svg('circle', { cx: last[0], cy: last[1], r: 3, fill: color }));
    }
    this.plot.replaceChildren(...nodes);
  }

  private drawLegend(latest: Record<string, number | null>): void {
    const items = Object.entries(latest).map(([series, value]) =>
      el(
        'li',
        { attrs: { 'data-series': series, 'data-value': value === null ? '' : String(value) } },
        el('span', { class: 'swatch', attrs: { style: `background:${this.colorOf(series)}` } }),
        el('span', { class: 'name', text: series }),
        el('span', { class: 'value', text: formatValue(value, this.spec.unit) }),
      ),
    );
    this.legend.replaceChildren(...items);
  }
}
