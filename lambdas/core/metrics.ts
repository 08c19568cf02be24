import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * One metrics buffer per container (CloudWatch embedded metric format, written to the log).
 * The namespace and service come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME,
 * which the stack sets; the local runtime sets POWERTOOLS_METRICS_DISABLED.
 */
export const metrics = new Metrics();

/** What the functions count. Plain counters without dimensions: one metric each, cheap to keep. */
export type CounterName =
  /** Frames answered with an `error` frame, of any code. */
  | 'FrameErrors'
  /** Frames refused with RATE_LIMITED. */
  | 'RateLimited'
  /** HTTP API requests answered with an error body. */
  | 'HttpErrors'
  /** Unexpected failures (answered INTERNAL, logged with a correlation id). */
  | 'InternalErrors'
  /** Queue records moved to a dead-letter queue, with their reason. */
  | 'DeadLettered'
  /** Connections the sweeper found gone and closed. */
  | 'ConnectionsSwept';

/** Adds `value` to a counter of this invocation; nothing for zero. */
export function count(name: CounterName, value = 1): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/** Writes what this invocation counted as one log line, and empties the buffer. */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
