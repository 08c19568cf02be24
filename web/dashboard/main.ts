import { byId } from '../dom.ts';
import { chartSpecs } from './chart-specs.ts';
import { LineChart } from './line-chart.ts';
import { parsePrometheusText, type Scrape } from './prometheus-text.ts';
import { Timeline } from './timeline.ts';

/** Polls `GET /metrics` once a second; a minute of scrapes is enough for every chart's window. */
const pollMs = 1000;
const keptScrapes = 70;

/**
 * The local dashboard: one scrape of `GET /metrics` a second, the charts of `chart-specs.ts`
 * redrawn from the last minute. The status line says when the runtime stops answering.
 */
function main(): void {
  const grid = byId('charts');
  const status = byId('status');
  const charts = chartSpecs.map((spec) => ({ spec, chart: new LineChart(spec), timeline: new Timeline() }));
  grid.replaceChildren(...charts.map((c) => c.chart.element));
  const history: Scrape[] = [];
  let scrapes = 0;

  const redraw = (now: number) => {
    for (const { chart, timeline } of charts) chart.update(timeline, now);
  };

  const poll = async () => {
    try {
      const response = await fetch('/metrics', { cache: 'no-store' });
      if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
      const scrape: Scrape = { at: Date.now(), samples: parsePrometheusText(await response.text()) };
      history.push(scrape);
      if (history.length > keptScrapes) history.shift();
      for (const { spec, timeline } of charts) {
        const point = spec.point(history);
        if (point) timeline.add(scrape.at, point);
      }
      scrapes += 1;
      status.dataset.state = 'live';
      status.dataset.scrapes = String(scrapes);
      status.textContent = `live · updated ${new Date(scrape.at).toLocaleTimeString()}`;
      redraw(scrape.at);
    } catch (error) {
      status.dataset.state = 'down';
      status.textContent = `cannot read /metrics (${(error as Error).message}); is npm start running?`;
      redraw(Date.now());
    } finally {
      setTimeout(poll, pollMs);
    }
  };
  redraw(Date.now());
  void poll();
}

main();
