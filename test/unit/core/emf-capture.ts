import { metricsSinkSymbol } from '../../../lambdas/core/metrics.ts';

/** One metric value as an EMF document carried it. */
export interface EmittedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  /** A counter's sum, or a timing's or size's values (a list when there are several). */
  readonly value: number | number[];
  /** Every dimension the document declares, with its value. */
  readonly dimensions: Readonly<Record<string, string>>;
}

interface EmfDocument {
  readonly _aws: {
    readonly CloudWatchMetrics: {
      readonly Namespace: string;
      readonly Dimensions: string[][];
      readonly Metrics: { Name: string; Unit: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

/** Parses EMF lines into the metrics they carry. */
export function metricsOf(lines: readonly string[]): EmittedMetric[] {
  return lines.flatMap((line) => {
    const document = JSON.parse(line) as EmfDocument;
    return document._aws.CloudWatchMetrics.flatMap((directive) => {
      const dimensions = Object.fromEntries(
        (directive.Dimensions[0] ?? []).map((key) => [key, String(document[key])]),
      );
      return directive.Metrics.map((metric) => ({
        namespace: directive.Namespace,
        name: metric.Name,
        unit: metric.Unit,
        value: document[metric.Name] as number | number[],
        dimensions,
      }));
    });
  });
}

/**
 * Installs a metrics sink (the global the local runtime sets) that keeps every EMF line.
 *
 * @example
 * const emf = captureEmf();
 * await run();
 * flushMetrics();
 * expect(emf.metrics()).toContainEqual(expect.objectContaining({ name: 'Deliveries' }));
 * emf.restore();
 */
export function captureEmf() {
  const lines: string[] = [];
  const global = globalThis as Record<symbol, unknown>;
  const previous = global[metricsSinkSymbol];
  global[metricsSinkSymbol] = (line: string) => lines.push(line);
  return {
    lines,
    metrics: () => metricsOf(lines),
    /** The metrics named `name`, in the order written. */
    named: (name: string) => metricsOf(lines).filter((m) => m.name === name),
    clear: () => {
      lines.length = 0;
    },
    restore: () => {
      global[metricsSinkSymbol] = previous;
    },
  };
}
