import type { Prices } from './prices.ts';

/** What the event bus adds per million stored direct messages (or notification inbox entries). */
export interface EventBusCost {
  /** The `message.sent` (or other) PutEvents entry, one per state change. */
  readonly putDollars: number;
  /**
   * The `inbox.unacked` check: one delayed SQS send, its receive and delete (a batch of up to ten
   * is one request each: counted as ten here, the worst case of one record per batch), the
   * consumer's invocation share, one eventually consistent GetItem (half a read unit).
   */
  readonly checkDollars: number;
  /** The `inbox.unacked` entry put for the share of entries nobody acknowledged. */
  readonly unackedDollars: number;
  readonly totalDollars: number;
}

export interface EventBusCostOptions {
  /** Share of inbox entries nobody acknowledges within UNACKED_EVENT_SECONDS. @default 0.2 */
  readonly unackedShare?: number;
  /** Records per inbox-checks batch (the consumer's batch size at most). @default 1 */
  readonly recordsPerBatch?: number;
  /** Consumer duration per batch, ms, at 256 MB. @default 20 */
  readonly checkBatchMs?: number;
}

/** The dollars per million messages the bus and the unacked checks add (no free tier). */
export function eventBusCost(prices: Prices, options: EventBusCostOptions = {}): EventBusCost {
  const million = 1_000_000;
  const unackedShare = options.unackedShare ?? 0.2;
  const perBatch = options.recordsPerBatch ?? 1;
  const putDollars = prices.eventBridge.perMillionCustomEvents;
  const sqsRequests = million * (1 + 2 / perBatch);
  const invocations = million / perBatch;
  const gbSeconds = invocations * ((options.checkBatchMs ?? 20) / 1000) * 0.25;
  const checkDollars =
    (sqsRequests / million) * prices.sqsStandard.perMillionRequests +
    (invocations / million) * prices.lambdaArm64.perMillionRequests +
    gbSeconds * prices.lambdaArm64.perGbSecond +
    0.5 * prices.dynamoDbOnDemand.perMillionReadRequestUnits;
  const unackedDollars = unackedShare * prices.eventBridge.perMillionCustomEvents;
  return {
    putDollars,
    checkDollars,
    unackedDollars,
    totalDollars: putDollars + checkDollars + unackedDollars,
  };
}

/** The lines `npm run cost` prints about the bus. */
export function describeEventBusCost(cost: EventBusCost): string {
  const $ = (n: number) => `$${n.toFixed(2)}`;
  return (
    'event bus (docs/integration.md), per million direct messages or notification inbox entries: ' +
    `${$(cost.putDollars)} for the PutEvents entry of each state change; ${$(cost.checkDollars)} for the inbox.unacked check ` +
    '(an SQS send, receive and delete, a Lambda invocation, a read); ' +
    `${$(cost.unackedDollars)} for the inbox.unacked entries (20% unacknowledged assumed); ${$(cost.totalDollars)} in all. ` +
    'UNACKED_EVENT_SECONDS=0 removes the check.\n'
  );
}
