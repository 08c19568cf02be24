import type { ScheduledEvent } from 'aws-lambda';
import { toScheduledEvent } from './scheduled-event.ts';

/** Options of {@link startSchedule}. */
export interface StartScheduleOptions {
  /** Time between ticks; the first tick comes one interval after start, as with `rate(...)`. */
  readonly rateMs: number;
  /** The target, usually a `LocalFunction`'s invoke. */
  readonly invoke: (event: ScheduledEvent) => Promise<unknown>;
  /** Named in the event's `resources` ARN. @default 'local-schedule' */
  readonly ruleName?: string;
  /** Receives a line for each skipped tick and each failed invoke. */
  readonly log?: (line: string) => void;
}

export interface LocalSchedule {
  /** Stops ticking and waits for an invoke in progress. */
  stop(): Promise<void>;
}

/**
 * Fires an EventBridge "Scheduled Event" every `rateMs`. A tick that comes while the previous
 * invoke still runs is skipped, so invokes never overlap (a sweeper must not race itself).
 *
 * @example
 * const schedule = startSchedule({ rateMs: 60_000, invoke: (event) => sweep.invoke(event) });
 */
export function startSchedule(options: StartScheduleOptions): LocalSchedule {
  const ruleName = options.ruleName ?? 'local-schedule';
  let running: Promise<void> | undefined;

  const tick = (): void => {
    if (running) {
      options.log?.(`schedule ${ruleName} skipped a tick: the previous invoke is still running`);
      return;
    }
    running = options
      .invoke(toScheduledEvent(ruleName))
      .then(
        () => undefined,
        (error: unknown) => {
          options.log?.(
            `schedule ${ruleName} invoke failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        },
      )
      .finally(() => {
        running = undefined;
      });
  };

  const timer = setInterval(tick, options.rateMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
