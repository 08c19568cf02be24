import type { Deps } from '../deps.ts';
import { count } from '../metrics.ts';
import type { RemovedConnection } from '../store/connections.ts';
import { pruneConnection } from './deliver.ts';
import { postWithRetry } from './post.ts';

export interface InOrderOptions {
  /**
   * Go on with the next frame when one cannot be posted (refused, or its retries ran out), for
   * frames that stand alone, like inbox entries kept until acknowledged. Otherwise the delivery
   * stops there, so the connection never sees a frame after a hole (recovered history).
   * @default false
   */
  readonly skipFailed?: boolean;
}

/** What an ordered delivery did. */
export interface InOrderReport {
  /** Frames that reached the connection. */
  readonly delivered: number;
  /** Frames that could not be posted and were skipped (with `skipFailed`). */
  readonly skipped: number;
  /** True when API Gateway no longer knew the connection (410); the delivery stopped there. */
  readonly gone: boolean;
  /** The connection's record, when this delivery found it gone and removed it (see DeliveryReport). */
  readonly removed: RemovedConnection[];
}

/**
 * Posts frames to one connection in order: each post waits for the one before it to be
 * answered, so the connection receives them in this order (before the reply of the request
 * that sends them, e.g. recovered messages before the join's reply). Posts are retried as
 * every delivery's are (postWithRetry), and a 410 removes the connection as deliverToConnections
 * does and reports it. Nothing is handed to the deliveries queue: a later frame cannot wait for
 * an earlier one there, and the senders keep what they send (history, the inbox) for the
 * client to ask again.
 */
export async function deliverInOrder(
  deps: Deps,
  connectionId: string,
  frames: readonly string[],
  options: InOrderOptions = {},
): Promise<InOrderReport> {
  let delivered = 0;
  let skipped = 0;
  for (const frame of frames) {
    const outcome = await postWithRetry(deps, connectionId, frame);
    if (outcome === 'ok') {
      delivered += 1;
      continue;
    }
    if (outcome === 'gone') {
      const removed = await pruneConnection(deps, connectionId);
      return { delivered, skipped, gone: true, removed: removed ? [removed] : [] };
    }
    // Never handed to the queue (see above): a post whose retries ran out is abandoned here.
    if (outcome === 'retryable') count('Deliveries', 1, { outcome: 'abandoned' });
    if (options.skipFailed) skipped += 1;
    else break;
  }
  return { delivered, skipped, gone: false, removed: [] };
}
