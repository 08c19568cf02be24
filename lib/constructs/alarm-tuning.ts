import { Duration } from 'aws-cdk-lib';

/** When one alarm fires: `threshold` reached (>=) in `evaluationPeriods` consecutive periods. */
export interface AlarmTuning {
  /** The value a period's statistic must reach, in the unit of what the alarm reads. */
  readonly threshold?: number;
  /** The length of one evaluated period. */
  readonly period?: Duration;
  /** Consecutive breaching periods before the alarm fires. */
  readonly evaluationPeriods?: number;
}

/** Each kind of alarm: its props, what it watches, and the docs/operations.md section on it. */
export type AlarmKind =
  | 'functionErrors'
  | 'functionThrottles'
  | 'functionDuration'
  | 'apiErrors'
  | 'apiLatency'
  | 'queueAge'
  | 'deadLetterDepth'
  | 'tableThrottles'
  | 'internalErrors'
  | 'deadLettered'
  | 'rejectedDeliveries';

const minutes = Duration.minutes;

/** The defaults of every kind; see the props of {@link OperationsAlarmsProps} for meanings. */
export const defaultAlarmTuning: Readonly<Record<AlarmKind, Required<AlarmTuning>>> = {
  functionErrors: { threshold: 1, period: minutes(5), evaluationPeriods: 1 },
  functionThrottles: { threshold: 1, period: minutes(5), evaluationPeriods: 1 },
  functionDuration: { threshold: 0.8, period: minutes(5), evaluationPeriods: 3 },
  apiErrors: { threshold: 5, period: minutes(5), evaluationPeriods: 1 },
  apiLatency: { threshold: 3000, period: minutes(5), evaluationPeriods: 3 },
  queueAge: { threshold: 600, period: minutes(1), evaluationPeriods: 5 },
  deadLetterDepth: { threshold: 1, period: minutes(1), evaluationPeriods: 1 },
  tableThrottles: { threshold: 1, period: minutes(5), evaluationPeriods: 1 },
  internalErrors: { threshold: 1, period: minutes(5), evaluationPeriods: 1 },
  deadLettered: { threshold: 1, period: minutes(5), evaluationPeriods: 1 },
  rejectedDeliveries: { threshold: 5, period: minutes(5), evaluationPeriods: 1 },
};

/** The heading of docs/operations.md that says what to do, as its anchor. */
export const runbookAnchors: Readonly<Record<AlarmKind, string>> = {
  functionErrors: 'function-errors',
  functionThrottles: 'function-throttles',
  functionDuration: 'function-duration-near-its-timeout',
  apiErrors: 'api-errors',
  apiLatency: 'api-integration-latency',
  queueAge: 'queue-age-of-the-oldest-message',
  deadLetterDepth: 'dead-letter-queue-depth',
  tableThrottles: 'table-throttles',
  internalErrors: 'internal-errors',
  deadLettered: 'records-dead-lettered',
  rejectedDeliveries: 'rejected-deliveries',
};

/** Throws on a tuning CloudWatch would refuse at deploy time, or one that could never fire. */
export function checkTuning(kind: AlarmKind, tuning: Required<AlarmTuning>): Required<AlarmTuning> {
  const { threshold, period, evaluationPeriods } = tuning;
  // Every alarm compares with >= against sums that fill missing data with 0: at 0 it would never leave ALARM.
  if (!Number.isFinite(threshold) || threshold <= 0) {
    throw new Error(`Alarm ${kind}: threshold ${threshold} must be a number above 0`);
  }
  if (kind === 'functionDuration' && (threshold <= 0 || threshold > 1)) {
    throw new Error(
      `Alarm ${kind}: threshold ${threshold} is a fraction of the timeout, above 0 and at most 1`,
    );
  }
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
    throw new Error(
      `Alarm ${kind}: evaluationPeriods ${evaluationPeriods} must be a whole number of at least 1`,
    );
  }
  const seconds = period.toSeconds();
  if (seconds < 60 || seconds % 60 !== 0) {
    throw new Error(`Alarm ${kind}: period ${seconds} s must be a whole number of minutes`);
  }
  return tuning;
}
