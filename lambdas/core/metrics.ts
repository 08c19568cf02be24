import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  type DimensionsOf,
  emfUnitOf,
  type MetricKind,
  type MetricName,
  metricCatalog,
} from '../../protocol/metrics.ts';

/**
 * What this invocation measured, grouped by dimension values: one EMF document per group, since
 * every metric of a document carries all of its dimensions. A container runs one invocation at a
 * time on Lambda; locally, invocations that overlap share the buffer, which changes no total.
 */
const buffer = new Map<string, { dimensions: Record<string, string>; values: Map<MetricName, number[]> }>();

/** Powertools keeps at most 100 values of one metric in a document. */
const MAX_VALUES_PER_DOCUMENT = 100;

/**
 * Where the local runtime takes EMF lines instead of standard output (it parses them into
 * `GET /metrics`). A global, not an import: the local runtime never imports function code.
 */
export const metricsSinkSymbol = Symbol.for('wavelet.metrics.sink');

type Sink = (line: string) => void;

const sinkOf = (): Sink =>
  ((globalThis as Record<symbol, unknown>)[metricsSinkSymbol] as Sink | undefined) ??
  ((line) => process.stdout.write(`${line}\n`));

/** Adds `value` to a counter of this invocation; nothing for zero. */
export function count<N extends CounterName>(name: N, value = 1, dimensions?: DimensionsOf<N>): void {
  if (value > 0) record(name, value, dimensions);
}

/** Records one value of a timing (milliseconds) or a size. */
export function observe<N extends ObservedName>(name: N, value: number, dimensions?: DimensionsOf<N>): void {
  if (Number.isFinite(value) && value >= 0) record(name, value, dimensions);
}

/** Names of counters, timings and sizes. */
export type CounterName = NamesOfKind<'counter'>;
export type ObservedName = NamesOfKind<'timing' | 'size'>;
type NamesOfKind<K extends MetricKind> = {
  [N in MetricName]: (typeof metricCatalog)[N]['kind'] extends K ? N : never;
}[MetricName];

function record(name: MetricName, value: number, dimensions: Readonly<Record<string, string>> = {}): void {
  const ordered: Record<string, string> = {};
  for (const key of metricCatalog[name].dimensions as readonly string[])
    ordered[key] = dimensions[key] || 'none';
  const groupKey = JSON.stringify(ordered);
  let group = buffer.get(groupKey);
  if (!group) {
    group = { dimensions: ordered, values: new Map() };
    buffer.set(groupKey, group);
  }
  const values = group.values.get(name);
  // A counter is one sum; a timing or a size keeps every value (CloudWatch computes percentiles).
  if (!values) group.values.set(name, [value]);
  else if (metricCatalog[name].kind === 'counter') values[0] = (values[0] ?? 0) + value;
  else values.push(value);
}

/**
 * Writes what this invocation measured, one EMF line per dimension group (namespace and service
 * from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME, `stage` from STAGE), and empties
 * the buffer. POWERTOOLS_METRICS_DISABLED=true drops them.
 */
export function flushMetrics(): void {
  if (buffer.size === 0) return;
  const groups = [...buffer.values()];
  buffer.clear();
  if (process.env.POWERTOOLS_METRICS_DISABLED === 'true') return;
  const sink = sinkOf();
  const stage = process.env.STAGE || 'dev';
  for (const group of groups) {
    for (let chunk = 0; ; chunk++) {
      const document = new Metrics({
        namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'Wavelet',
        defaultDimensions: { stage, ...group.dimensions },
      });
      let added = false;
      for (const [name, values] of group.values) {
        const unit = emfUnitOf[metricCatalog[name].kind];
        for (const value of values.slice(
          chunk * MAX_VALUES_PER_DOCUMENT,
          (chunk + 1) * MAX_VALUES_PER_DOCUMENT,
        )) {
          document.addMetric(name, unit, value);
          added = true;
        }
      }
      if (!added) break;
      sink(JSON.stringify(document.serializeMetrics()));
      document.clearMetrics();
    }
  }
}
