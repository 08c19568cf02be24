import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { type DimensionsOf, type MetricName, metricCatalog } from '../../protocol/metrics.ts';

/** Where the functions' EMF metrics land: what `lambdas/core/metrics.ts` writes. */
export interface AppMetricsSource {
  /** Powertools `POWERTOOLS_METRICS_NAMESPACE` of the functions. */
  readonly namespace: string;
  /** Powertools `POWERTOOLS_SERVICE_NAME`: the `service` dimension. */
  readonly service: string;
  /** The `stage` dimension. */
  readonly stage: string;
}

/**
 * A metric of `protocol/metrics.ts` with all of its dimensions, since CloudWatch only matches a
 * metric by its full set: `service`, `stage` and the metric's own, given in `dimensions`.
 */
export function appMetric<N extends MetricName>(
  source: AppMetricsSource,
  name: N,
  options: { dimensions?: DimensionsOf<N>; statistic: string; period: Duration; label?: string },
): Metric {
  return new Metric({
    namespace: source.namespace,
    metricName: name,
    dimensionsMap: { service: source.service, stage: source.stage, ...options.dimensions },
    statistic: options.statistic,
    period: options.period,
    label: options.label,
  });
}

/**
 * A CloudWatch SEARCH over every value of a metric's own dimensions (actions, routes, outcomes
 * are many and new ones appear), with `extra` search terms such as `NOT outcome="ok"`.
 */
export function appMetricSearch(
  source: AppMetricsSource,
  name: MetricName,
  statistic: string,
  periodSeconds: number,
  extra = '',
): string {
  const schema = [source.namespace, ...metricCatalog[name].dimensions, 'service', 'stage'].map(quoted);
  const terms = `MetricName="${name}" service="${source.service}" stage="${source.stage}" ${extra}`.trim();
  return `SEARCH('{${schema.join(',')}} ${terms}', '${statistic}', ${periodSeconds})`;
}

/** Search schema names with other characters than letters, digits and `_` need double quotes. */
const quoted = (name: string): string => (/^\w+$/.test(name) ? name : `"${name}"`);
