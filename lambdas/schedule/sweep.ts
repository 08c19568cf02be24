import type { Context, ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../core/clients.ts';
import { logger } from '../core/logger.ts';
import { count, flushingMetrics } from '../core/metrics.ts';
import { sweepConnections } from '../core/services/sweeper.ts';
import { reportUnexpected } from '../core/unexpected.ts';

/** Time kept back from the function's timeout to finish the pages in hand. */
const reserveMs = 30_000;

/**
 * EventBridge schedule: prunes connections whose `$disconnect` never came, and closes those
 * whose credential expired more than five minutes ago. A connection that cannot be checked is
 * counted (`InternalErrors`) where it fails and tried again next run.
 */
export const handler = flushingMetrics(async (event: ScheduledEvent, context?: Context): Promise<void> => {
  try {
    await sweep(context);
  } catch (error) {
    reportUnexpected('Sweep failed', event?.id, error);
    throw error;
  }
});

async function sweep(context?: Context): Promise<void> {
  const deps = getDeps();
  const remaining = context?.getRemainingTimeInMillis?.();
  const deadline = remaining === undefined ? undefined : deps.now() + Math.max(0, remaining - reserveMs);
  const report = await sweepConnections(deps, { deadline });
  // Only the records the sweeper itself removed: their `$disconnect` never came, so it counts
  // them closed too (the dashboard's open connections are opened less closed).
  count('ConnectionsSwept', report.removed, { reason: 'stale' });
  count('ConnectionsClosed', report.removed);
  count('ConnectionsSwept', report.expired, { reason: 'expired' });
  logger.info(
    `Sweep: checked ${report.checked}, pruned ${report.pruned}, alive ${report.alive}, closed ${report.expired} with an expired credential, failed ${report.failed}${report.complete ? '' : ', stopped at deadline'}`,
    { ...report },
  );
}
