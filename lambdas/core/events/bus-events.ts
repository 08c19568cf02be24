/**
 * The events put on the bus (docs/integration.md, PROTOCOL "Backend services: the event bus"):
 * `source: "wavelet"`, one `detail-type` each. Every detail carries `id`, the same on every put
 * of that event (retries included), for subscribers to dedupe on.
 */
export const eventSource = 'wavelet';

export type PresenceStatusDetail = 'online' | 'away' | 'busy' | 'offline';

export interface BusEventDetails {
  'message.sent': { id: string; from: string; to: string; data: unknown; files?: unknown; ts: number };
  'message.published': {
    id: string;
    room: string;
    seq: number;
    from: string;
    data: unknown;
    kind?: string;
    target?: number;
    /** With `kind: "reaction"`: the reaction, and whether it was added. */
    reaction?: string;
    on?: boolean;
    replyTo?: number;
    files?: unknown;
    ts: number;
  };
  'connection.opened': { id: string; connectionId: string; user: string; device?: string; ts: number };
  'connection.closed': {
    id: string;
    connectionId: string;
    user: string;
    device?: string;
    reason?: string;
    ts: number;
  };
  'presence.changed': { id: string; user: string; status: PresenceStatusDetail; ts: number };
  'member.added': { id: string; room: string; user: string; by: string; ts: number };
  'member.removed': { id: string; room: string; user: string; by: string; ts: number };
  'room.created': { id: string; room: string; by: string; ts: number };
  'room.deleted': { id: string; room: string; by: string; ts: number };
  'inbox.unacked': { id: string; user: string; messageId: string; from?: string; ts: number };
}

export type DetailType = keyof BusEventDetails;

/** One event before it is put: its detail-type and its detail (with `id`). */
export type BusEvent = {
  [T in DetailType]: { readonly detailType: T; readonly detail: BusEventDetails[T] };
}[DetailType];

/** What a put and a retry record carry per event: the detail-type and the detail as JSON. */
export interface PendingEntry {
  readonly DetailType: string;
  readonly Detail: string;
}

/** A retry record on the event-retries queue: the entries still to put, and puts so far. */
export interface RetryRecord {
  readonly entries: readonly PendingEntry[];
  readonly attempt: number;
}

/** Builds an event; `id` is the detail's own id when it has one (a message), else a fresh one. */
export function busEvent<T extends DetailType>(
  detailType: T,
  detail: Omit<BusEventDetails[T], 'id'> & { id?: string },
  newId: () => string,
): BusEvent {
  return { detailType, detail: { ...detail, id: detail.id ?? newId() } } as unknown as BusEvent;
}
