import type { InitBench } from './init.ts';
import { round } from './stats.ts';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** The init table, then what a session's cold starts cost in each layout. */
export function printInit(figures: InitBench): void {
  console.table(
    Object.fromEntries(
      figures.bundles.map((b) => [
        b.name,
        {
          KB: round(b.bytes / 1024, 0),
          'gzip KB': round(b.gzipBytes / 1024, 0),
          'load p50 ms': round(b.loadMs.p50, 1),
          'load p90 ms': round(b.loadMs.p90, 1),
          'init p50 ms': round(b.initMs.p50, 1),
          'init p90 ms': round(b.initMs.p90, 1),
          'SDK requests': b.sdkRequests,
        },
      ]),
    ),
  );
  const routers = new Set(['wsRouter', 'httpRouter']);
  const perRoute = figures.bundles.filter((b) => !routers.has(b.name));
  const ws = figures.bundles.find((b) => b.name === 'wsRouter');
  const { session } = figures;
  const initOf = (name: string) => figures.bundles.find((b) => b.name === name)?.initMs.p50 ?? Number.NaN;
  const coldSession = (names: readonly string[]) => names.reduce((sum, name) => sum + initOf(name), 0);
  process.stdout.write(
    `per-route: median init ${round(median(perRoute.map((b) => b.initMs.p50)), 1)} ms, median ${round(median(perRoute.map((b) => b.bytes)) / 1024, 0)} KB\n` +
      `per-api WebSocket function: init ${round(ws?.initMs.p50, 1)} ms, ${round((ws?.bytes ?? Number.NaN) / 1024, 0)} KB\n` +
      `a session (${session.routes.join(', ')}) touches ${session.perRoute} functions per-route, ${session.perApi} per-api\n` +
      `a session on cold containers only: ${round(coldSession(session.perRouteFunctions), 0)} ms of init per-route, ${round(coldSession(['authorizer', 'wsRouter']), 0)} ms per-api\n\n`,
  );
}
