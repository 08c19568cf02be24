/**
 * Where the functions' metrics code writes EMF lines instead of standard output when it is set
 * (`lambdas/core/metrics.ts` reads the same global: the runtime never imports function code).
 */
const metricsSinkSymbol = Symbol.for('wavelet.metrics.sink');

type Sink = (line: string) => void;

/**
 * Sends every EMF line the functions of this process write to `sink` rather than to the
 * terminal. Returns the uninstall, which leaves a sink installed since by someone else in place.
 */
export function installMetricsSink(sink: Sink): () => void {
  const slots = globalThis as Record<symbol, unknown>;
  slots[metricsSinkSymbol] = sink;
  return () => {
    if (slots[metricsSinkSymbol] === sink) delete slots[metricsSinkSymbol];
  };
}
