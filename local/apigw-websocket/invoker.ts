import type { Integration } from './options.ts';

/** How one invocation ended. */
export type InvocationOutcome =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'timedOut' };

interface Pending {
  readonly deadline: number;
  readonly resolve: (outcome: InvocationOutcome) => void;
}

/**
 * Invokes integrations under the integration timeout. Every invocation shares one timeout, so
 * pending ones are in deadline order and {@link Invoker.expire}, called by the gateway's single
 * periodic sweep, stops at the first that has time left. This avoids a timer per message.
 */
export class Invoker {
  private readonly pending = new Set<Pending>();

  constructor(private readonly timeoutMs: number) {}

  /** Never rejects: a throw and a timeout are outcomes. A late result after a timeout is dropped. */
  invoke(integration: Integration, event: Record<string, unknown>): Promise<InvocationOutcome> {
    return new Promise((resolve) => {
      const entry: Pending = { deadline: Date.now() + this.timeoutMs, resolve };
      this.pending.add(entry);
      let result: Promise<unknown>;
      try {
        result = Promise.resolve(integration(event));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (value) => {
          if (this.pending.delete(entry)) resolve({ kind: 'returned', value });
        },
        (error: unknown) => {
          if (this.pending.delete(entry)) resolve({ kind: 'threw', error });
        },
      );
    });
  }

  /** Times out every invocation whose deadline has passed. */
  expire(now: number): void {
    for (const entry of this.pending) {
      if (entry.deadline > now) break;
      this.pending.delete(entry);
      entry.resolve({ kind: 'timedOut' });
    }
  }

  /** Ends every pending invocation as timed out (the gateway is closing). */
  abandonAll(): void {
    for (const entry of this.pending) entry.resolve({ kind: 'timedOut' });
    this.pending.clear();
  }
}
