import { metricCatalog, prometheusNameOf } from '../../protocol/metrics.ts';

/** Upper bounds of the latency histograms (EMF unit `Milliseconds`), in milliseconds. */
export const millisecondBuckets: readonly number[] = [
  1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10_000, 30_000,
];

/** Upper bounds of the size histograms (EMF unit `None` and any other unit): 1, 2, 5, 10, … */
export const sizeBuckets: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000,
];

/** How one EMF metric is served: a Prometheus family's name, type, help and buckets. */
export interface FamilyShape {
  readonly name: string;
  readonly type: 'counter' | 'histogram';
  readonly help: string;
  /** Upper bounds of a histogram's buckets, ascending, without `+Inf`. */
  readonly buckets: readonly number[];
}

/**
 * The family an EMF metric feeds, from its unit: `Count` is a counter `wavelet_{snake}_total`,
 * `Milliseconds` a histogram `wavelet_{snake}_ms`, anything else (`None`, the default) a histogram
 * `wavelet_{snake}` of sizes. Help comes from the catalog; names outside it get a generic one.
 */
export function familyOf(emfName: string, unit: string): FamilyShape {
  const base = sanitizeName(prometheusNameOf(emfName));
  const help =
    emfName in metricCatalog
      ? metricCatalog[emfName as keyof typeof metricCatalog].help
      : `EMF metric ${emfName} (unit ${unit}), outside the wavelet catalog`;
  if (unit === 'Count') return { name: `${base}_total`, type: 'counter', help, buckets: [] };
  if (unit === 'Milliseconds')
    return {
      name: `${base}_ms`,
      type: 'histogram',
      help: `${help} (milliseconds)`,
      buckets: millisecondBuckets,
    };
  return { name: base, type: 'histogram', help, buckets: sizeBuckets };
}

/**
 * A Prometheus label name for an EMF dimension: other characters become `_`, and a histogram's
 * dimension named `le` becomes `dimension_le`, since `le` is its bucket label.
 */
export function labelNameOf(dimension: string, type: FamilyShape['type']): string {
  const name = sanitizeName(dimension);
  if (name.startsWith('__')) return `dimension${name}`;
  return type === 'histogram' && name === 'le' ? 'dimension_le' : name;
}

/** Metric and label names are `[a-zA-Z_][a-zA-Z0-9_]*` (colons are for recording rules). */
function sanitizeName(name: string): string {
  const replaced = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}
