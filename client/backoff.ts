/**
 * Reconnect pacing (`reconnect` in the client options).
 *
 * @example
 * ```ts
 * new WaveletClient({ url, ticket, reconnect: { initialDelayMs: 250, maxDelayMs: 5000, maxAttempts: 20 } });
 * ```
 */
export interface BackoffOptions {
  /** Ceiling of the first delay. @default 1000 */
  readonly initialDelayMs?: number;
  /** Ceiling the delays grow to and stay at. @default 30000 */
  readonly maxDelayMs?: number;
  /** Failed attempts in a row before the client gives up and closes. @default Infinity */
  readonly maxAttempts?: number;
}

export const defaultBackoff: Required<BackoffOptions> = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential growth with full
 * jitter, a uniform draw in `[0, min(maxDelayMs, initialDelayMs * 2^attempt))`. Full jitter
 * spreads thousands of clients dropped at once (a deploy, a network blip) over the whole window
 * instead of bringing them back in synchronized waves.
 *
 * @example
 * ```ts
 * backoffDelay(3, { initialDelayMs: 500, maxDelayMs: 10_000 }); // somewhere in [0, 4000)
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialDelayMs ?? defaultBackoff.initialDelayMs;
  const max = options.maxDelayMs ?? defaultBackoff.maxDelayMs;
  // 2^attempt overflows to Infinity long after the cap applies; min() keeps it finite.
  const ceiling = Math.min(max, initial * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
