import { randomUUID } from 'node:crypto';

/** One entry of a PutEvents request, as the JSON protocol carries it. */
export interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly Resources?: unknown;
  readonly Time?: unknown;
}

/** One entry's result: an event id, or an error code and message. */
export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** The event as EventBridge hands it to a rule's target (an SQS queue gets this as the body). */
export interface BusEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** EventBridge's limits on one PutEvents call: 10 entries, 256 KB in all. */
export const maxEntries = 10;
export const maxRequestBytes = 256 * 1024;

const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * Validates one entry as EventBridge does and shapes the event a target receives; an entry that
 * fails is reported in its place (the others still go through), never thrown.
 */
export function shapeEvent(
  entry: PutEventsEntry,
  context: { account: string; region: string; now: number },
): BusEnvelope | { ErrorCode: string; ErrorMessage: string } {
  if (!text(entry.Source))
    return invalid('Parameter Source is not valid. Reason: Source is a required argument.');
  if (!text(entry.DetailType)) {
    return invalid('Parameter DetailType is not valid. Reason: DetailType is a required argument.');
  }
  if (!text(entry.Detail))
    return invalid('Parameter Detail is not valid. Reason: Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date(context.now);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: context.account,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: context.region,
    resources: Array.isArray(entry.Resources) ? entry.Resources.filter(text) : [],
    detail,
  };
}

const invalid = (ErrorMessage: string) => ({ ErrorCode: 'InvalidArgument', ErrorMessage });
