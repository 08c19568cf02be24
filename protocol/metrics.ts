/**
 * The metrics every function emits, in CloudWatch embedded metric format (EMF), and what the
 * local runtime serves from them at `GET /metrics` (Prometheus text, `wavelet_` prefix). One
 * catalog for the three readers: the functions (`lambdas/core/metrics.ts`), the local runtime's
 * registry and dashboard, and the CloudWatch dashboard and alarms of the stack.
 *
 * Every metric also carries the dimensions `service` (Powertools' service name) and `stage`.
 *
 * Kinds:
 * - `counter` (EMF unit `Count`): Prometheus `wavelet_{snake_name}_total`.
 * - `timing` (EMF unit `Milliseconds`): a Prometheus histogram `wavelet_{snake_name}_ms`.
 * - `size` (EMF unit `None`): a value per event (recipients of one fan-out, entries of one
 *   inbox); a Prometheus histogram `wavelet_{snake_name}`.
 */
export const metricCatalog = {
  ConnectionsOpened: {
    kind: 'counter',
    dimensions: [],
    help: 'WebSocket connections accepted ($connect)',
  },
  ConnectLatency: {
    kind: 'timing',
    dimensions: [],
    help: 'Time the $connect function took to record a connection',
  },
  Authorizations: {
    kind: 'counter',
    dimensions: ['outcome'],
    help: 'Handshakes the $connect authorizer decided, by outcome: allowed, denied (no, bad, expired or used credential), error (unexpected failure)',
  },
  AuthorizerLatency: {
    kind: 'timing',
    dimensions: ['outcome'],
    help: 'Time the $connect authorizer took to decide, by outcome',
  },
  ConnectionsClosed: {
    kind: 'counter',
    dimensions: [],
    help: 'WebSocket connections closed ($disconnect events; the sweeper counts the ones that never came)',
  },
  Frames: {
    kind: 'counter',
    dimensions: ['action', 'outcome'],
    help: 'Client frames by action and outcome (ok, or the error code answered)',
  },
  FrameLatency: {
    kind: 'timing',
    dimensions: ['action', 'outcome'],
    help: 'Time a route function took to answer a frame',
  },
  HttpRequests: {
    kind: 'counter',
    dimensions: ['route', 'status'],
    help: 'HTTP API requests by route key and status code',
  },
  HttpLatency: {
    kind: 'timing',
    dimensions: ['route', 'status'],
    help: 'Time an HTTP API function took to answer',
  },
  Deliveries: {
    kind: 'counter',
    dimensions: ['outcome'],
    help: 'Frames posted to connections, one outcome per frame and connection: ok, gone (410, record removed), rejected (403, 413), handed_off (retries ran out, queued again), abandoned (retries ran out, not queued: in-order posts or after five hand-offs); plus retried per retry of a post',
  },
  FanoutRecipients: {
    kind: 'size',
    dimensions: ['kind'],
    help: 'Connections one fan-out addressed, by kind: room (its subscribers), user (the connections of a direct message’s recipient, or of a notification’s users, per batch of up to 25 users), broadcast (one run over a shard of the connections)',
  },
  FanoutDuration: {
    kind: 'timing',
    dimensions: ['kind'],
    help: 'Time one fan-out took to post inline or hand its shards to the queue, by kind',
  },
  InboxDepth: {
    kind: 'size',
    dimensions: [],
    help: 'Inbox entries waiting when a client syncs (at most the sync limit, 100 by default)',
  },
  Notifications: {
    kind: 'counter',
    dimensions: ['outcome'],
    help: 'Notifications the queue consumer handled, by outcome: stored (inbox entries written and delivered inline), sharded (users handed to the deliveries queue in shards), broadcast (shard records queued), repeated (an id already published), dead_lettered (invalid, moved with its reason), retried (failed, the record comes back)',
  },
  NotificationLatency: {
    kind: 'timing',
    dimensions: ['outcome'],
    help: 'Time the queue consumer took over one notification record, by outcome',
  },
  RateLimited: {
    kind: 'counter',
    dimensions: [],
    help: 'Frames and HTTP requests refused with RATE_LIMITED',
  },
  InternalErrors: {
    kind: 'counter',
    dimensions: [],
    help: 'Unexpected failures, logged: answered INTERNAL with a correlation id (routes), or caught in the authorizer, $connect, $disconnect, a queue record that comes back, the sweeper, or a best-effort step (an announcement, a delivery after the message was stored)',
  },
  DeadLettered: {
    kind: 'counter',
    dimensions: ['queue'],
    help: 'Queue records moved to a dead-letter queue with their reason',
  },
  EventsRetried: {
    kind: 'counter',
    dimensions: [],
    help: 'Event bus entries whose put failed and that went to the event-retries queue',
  },
  EventsLost: {
    kind: 'counter',
    dimensions: [],
    help: 'Event bus entries that neither the bus nor the event-retries queue took (logged)',
  },
  ConnectionsSwept: {
    kind: 'counter',
    dimensions: ['reason'],
    help: 'Connections the sweeper closed, by reason (stale, expired)',
  },
  UnregisteredConnectionsClosed: {
    kind: 'counter',
    dimensions: [],
    help: 'Open connections closed at their heartbeat because their records were gone (removed while the socket stayed open); the client connects again',
  },
} as const satisfies Record<string, MetricDefinition>;

export interface MetricDefinition {
  readonly kind: MetricKind;
  /** Dimensions besides `service` and `stage`, in this order. */
  readonly dimensions: readonly string[];
  /** One line for Prometheus `# HELP` and the dashboard. */
  readonly help: string;
}

export type MetricKind = 'counter' | 'timing' | 'size';

export type MetricName = keyof typeof metricCatalog;

/** The dimension values a metric takes, by name. */
export type DimensionsOf<N extends MetricName> = Readonly<
  Record<(typeof metricCatalog)[N]['dimensions'][number], string>
>;

/** The EMF unit of each kind. */
export const emfUnitOf: Readonly<Record<MetricKind, 'Count' | 'Milliseconds' | 'None'>> = {
  counter: 'Count',
  timing: 'Milliseconds',
  size: 'None',
};

/** Dimensions every metric carries besides its own. */
export const commonDimensions = ['service', 'stage'] as const;

/** `FanoutRecipients` to `wavelet_fanout_recipients` (the Prometheus base name, before suffixes). */
export function prometheusNameOf(name: string): string {
  return `wavelet_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}`;
}
