import type { Prices } from './prices.ts';

/** What the publish hook adds per million `send`s and `publish`es (docs/integration.md). */
export interface PublishHookCost {
  /** The hook's invocations: one request each. */
  readonly requestDollars: number;
  /** The hook's duration at its memory. */
  readonly hookDurationDollars: number;
  /** `send` or `publish` waiting for it, at their memory. */
  readonly waitDollars: number;
  readonly totalDollars: number;
}

export interface PublishHookCostOptions {
  /** The hook's billed duration per invoke, ms. @default 10 */
  readonly hookMs?: number;
  /** @default 128 */
  readonly hookMemoryMb?: number;
  /** How much longer the caller runs, ms: the invoke round trip. @default 10 */
  readonly waitMs?: number;
  /** The caller's memory (the manifest's default). @default 256 */
  readonly callerMemoryMb?: number;
}

/** The dollars per million messages a publish hook adds (arm64 Lambda list prices, no free tier). */
export function publishHookCost(prices: Prices, options: PublishHookCostOptions = {}): PublishHookCost {
  const million = 1_000_000;
  const gbSeconds = (ms: number, mb: number) => million * (ms / 1000) * (mb / 1024);
  const requestDollars = prices.lambdaArm64.perMillionRequests;
  const hookDurationDollars =
    gbSeconds(options.hookMs ?? 10, options.hookMemoryMb ?? 128) * prices.lambdaArm64.perGbSecond;
  const waitDollars =
    gbSeconds(options.waitMs ?? 10, options.callerMemoryMb ?? 256) * prices.lambdaArm64.perGbSecond;
  return {
    requestDollars,
    hookDurationDollars,
    waitDollars,
    totalDollars: requestDollars + hookDurationDollars + waitDollars,
  };
}

/** The line `npm run cost` prints about the hook. */
export function describePublishHookCost(cost: PublishHookCost): string {
  const $ = (n: number) => `$${n.toFixed(3)}`;
  return (
    'publish hook (docs/integration.md), when one is configured, per million sends and publishes: ' +
    `${$(cost.requestDollars)} for its invocations, ${$(cost.hookDurationDollars)} for its duration (10 ms at 128 MB assumed), ` +
    `${$(cost.waitDollars)} for send and publish waiting for it (10 ms at 256 MB); ${$(cost.totalDollars)} in all.\n`
  );
}
