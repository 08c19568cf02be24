import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  type DimensionsOf,
  emfUnitOf,
  type MetricKind,
  type MetricName,
  metricCatalog,
} from '../../protocol/metrics.ts';

/** What the metrics read from the environment, once per container (STYLE rule 2). */
export interface MetricsSettings {
  /** POWERTOOLS_METRICS_NAMESPACE. @default 'Wavelet' */
  readonly namespace: string;
  /** POWERTOOLS_SERVICE_NAME, the `service` dimension. @default 'wavelet' */
  readonly service: string;
  /** STAGE, the `stage` dimension. @default 'dev' */
  readonly stage: string;
  /** POWERTOOLS_METRICS_DISABLED, read as Powertools reads it (`true`, `1`, `yes`, `on`, …). @default false */
  readonly disabled: boolean;
}

const truthy = new Set(['1', 'y', 'yes', 't', 'true', 'on']);

/** The settings `env` gives; what this module reads at cold start. */
export function metricsSettingsOf(env: Readonly<Record<string, string | undefined>>): MetricsSettings {
  return {
    namespace: env.POWERTOOLS_METRICS_NAMESPACE || 'Wavelet',
    service: env.POWERTOOLS_SERVICE_NAME || 'wavelet',
    stage: env.STAGE || 'dev',
    disabled: truthy.has((env.POWERTOOLS_METRICS_DISABLED ?? '').trim().toLowerCase()),
  };
}

// Read when the module loads, which is the container's cold start: the same for every
// invocation after it. The local runtime sets its environment before it loads any function.
const settings = metricsSettingsOf(process.env);

/**
 * What this invocation measured, grouped by dimension values: one EMF document per group, since
 * every metric of a document carries all of its dimensions. A container runs one invocation at a
 * time on Lambda; locally, invocations that overlap share the buffer, which changes no total.
 */
const buffer = new Map<
  string,
  { key: string; dimensions: Record<string, string>; values: Map<MetricName, number[]> }
>();

/**
 * One Powertools document per dimension group, built the first time the group is flushed and
 * emptied after each line: building one costs about 0.1 ms (it reads its configuration), which
 * every invocation would pay per group. Groups are few (actions, routes and outcomes).
 */
const documents = new Map<string, Metrics>();

function documentFor(key: string, dimensions: Record<string, string>): Metrics {
  let document = documents.get(key);
  if (!document) {
    document = new Metrics({
      namespace: settings.namespace,
      serviceName: settings.service,
      defaultDimensions: { stage: settings.stage, ...dimensions },
    });
    documents.set(key, document);
  }
  return document;
}

/**
 * Values of one metric per document. Powertools keeps at most 100, and when a metric reaches
 * 100 it publishes the document itself, to standard output, past the sink: so one fewer.
 */
const MAX_VALUES_PER_DOCUMENT = 99;

/**
 * Where the local runtime takes EMF lines instead of standard output (it parses them into
 * `GET /metrics`). A global, not an import: the local runtime never imports function code.
 * Read at each flush, so a sink installed after the function loaded still gets its lines.
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
    group = { key: groupKey, dimensions: ordered, values: new Map() };
    buffer.set(groupKey, group);
  }
  const values = group.values.get(name);
  // A counter is one sum; a timing or a size keeps every value (CloudWatch computes percentiles).
  if (!values) group.values.set(name, [value]);
  else if (metricCatalog[name].kind === 'counter') values[0] = (values[0] ?? 0) + value;
  else values.push(value);
}

/**
 * Writes what this invocation measured, one EMF line per dimension group (and per 99 values of
 * a metric), with the namespace, `service` and `stage` read at cold start, and empties the
 * buffer. POWERTOOLS_METRICS_DISABLED=true drops them. Every entry point calls it once per
 * invocation, also when the invocation throws ({@link flushingMetrics}).
 */
export function flushMetrics(): void {
  if (buffer.size === 0) return;
  const groups = [...buffer.values()];
  buffer.clear();
  if (settings.disabled) return;
  const sink = sinkOf();
  for (const group of groups) {
    for (let chunk = 0; ; chunk++) {
      const document = documentFor(group.key, group.dimensions);
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

/**
 * Wraps an entry point (authorizer, `$connect`, a queue consumer, the sweeper) so that it
 * flushes its metrics once per invocation, whether it returns or throws.
 *
 * @example
 * export const handler = flushingMetrics(async (event: ScheduledEvent) => sweep(event));
 */
export function flushingMetrics<A extends unknown[], R>(handler: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await handler(...args);
    } finally {
      flushMetrics();
    }
  };
}
