/**
 * How the local bus misbehaves, for tests and demos of at-least-once delivery. `throttle` answers
 * every PutEvents call with a ThrottlingException (the whole call fails, as when the bus throttles
 * the account); `entries` accepts the call but fails each entry (`FailedEntryCount`), as a partial
 * failure does.
 */
export type BusFaultMode = 'throttle' | 'entries';

/** One fault window: from now until `until` (epoch ms). */
export interface BusFault {
  readonly mode: BusFaultMode;
  readonly until: number;
}

/** The error the local bus answers while a fault window is open, if any. */
export function activeFault(fault: BusFault | undefined, now: number): BusFaultMode | undefined {
  return fault && now < fault.until ? fault.mode : undefined;
}
