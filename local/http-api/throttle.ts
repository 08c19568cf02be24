/** Stage throttling as API Gateway applies it: a token bucket per stage. */
export interface ThrottleOptions {
  /** Requests per second on average. */
  readonly rateLimit: number;
  /** Requests at once: the bucket's size, full at start. */
  readonly burstLimit: number;
}

/**
 * A token bucket: each request takes a token, tokens come back at `rateLimit` per second up to
 * `burstLimit`. API Gateway answers a request that finds the bucket empty with 429 before any
 * integration runs.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly options: ThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.burstLimit;
    this.refilledAt = now();
  }

  /** Takes a token; false when there is none. */
  take(): boolean {
    const now = this.now();
    const refill = ((now - this.refilledAt) / 1000) * this.options.rateLimit;
    this.tokens = Math.min(this.options.burstLimit, this.tokens + refill);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
