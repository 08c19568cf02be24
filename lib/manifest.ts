/**
 * The one declaration of the backend's shape: functions, WebSocket routes, HTTP routes, the
 * table, the queues and their event sources, and schedules. The CDK stack builds AWS resources
 * from it and the local runtime builds its emulated services from it, so the two cannot drift;
 * `test/infra` holds the synthesized template against it.
 *
 * This file must stay free of CDK and AWS SDK imports: the local runtime loads it.
 */

/** A Lambda function: its source file (exporting `handler`) and its limits. */
export interface FunctionSpec {
  /** Path from the repository root to the handler file; the file exports `handler`. */
  readonly entry: string;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMb?: number;
  /** Which env-bound resources the function needs (drives CDK grants and env vars). */
  readonly uses: readonly Resource[];
}

/** Resources a function can be bound to; each binding sets env vars and grants together. */
export type Resource =
  | 'table:read'
  | 'table:write'
  | 'queue:deliveries'
  | 'queue:notifications'
  | 'management'
  | 'jwt';

const ws = (name: string, uses: readonly Resource[], timeoutSeconds = 10): FunctionSpec => ({
  entry: `lambdas/ws/${name}.ts`,
  timeoutSeconds,
  uses,
});

const messaging: readonly Resource[] = ['table:read', 'table:write', 'queue:deliveries', 'management'];

const http = (name: string, uses: readonly Resource[]): FunctionSpec => ({
  entry: `lambdas/http/${name}.ts`,
  uses,
});

const tableRw: readonly Resource[] = ['table:read', 'table:write'];

export const functions = {
  authorizer: ws('authorizer', ['table:read', 'table:write', 'jwt'], 5),
  connect: ws('connect', ['table:write']),
  disconnect: ws('disconnect', messaging),
  default: ws('default', ['table:write']),
  ping: ws('ping', ['table:write']),
  send: ws('send', messaging),
  sync: ws('sync', messaging, 29),
  ack: ws('ack', tableRw),
  join: ws('join', messaging, 29),
  leave: ws('leave', messaging),
  publish: ws('publish', messaging),
  history: ws('history', tableRw),
  read: ws('read', messaging),
  typing: ws('typing', messaging),
  status: ws('status', messaging),
  who: ws('who', tableRw),
  block: ws('block', tableRw),
  unblock: ws('unblock', tableRw),
  refresh: ws('refresh', [...tableRw, 'jwt']),

  tickets: http('tickets', ['table:write', 'jwt']),
  health: http('health', ['table:read', 'queue:deliveries', 'queue:notifications']),
  createRoom: http('create-room', [...tableRw, 'jwt']),
  getRoom: http('get-room', [...tableRw, 'jwt']),
  updateRoom: http('update-room', [...tableRw, 'jwt']),
  deleteRoom: http('delete-room', [...messaging, 'jwt']),
  putMember: http('put-member', [...messaging, 'jwt']),
  deleteMember: http('delete-member', [...messaging, 'jwt']),
  listMembers: http('list-members', [...tableRw, 'jwt']),
  listRoomOnline: http('list-room-online', [...tableRw, 'jwt']),
  listRoomMessages: http('list-room-messages', [...tableRw, 'jwt']),
  getUnread: http('get-unread', [...tableRw, 'jwt']),
  postMessages: http('post-messages', [...messaging, 'jwt']),
  listOnline: http('list-online', [...tableRw, 'jwt']),
  listBlocks: http('list-blocks', [...tableRw, 'jwt']),

  deliver: { entry: 'lambdas/queue/deliver.ts', timeoutSeconds: 60, uses: messaging },
  notify: { entry: 'lambdas/queue/notify.ts', timeoutSeconds: 60, uses: messaging },
  sweep: { entry: 'lambdas/schedule/sweep.ts', timeoutSeconds: 300, uses: messaging },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

/**
 * The WebSocket API. `identitySource` is empty on purpose: API Gateway requires every listed
 * identity source to be present, and a client presents either `ticket` or `token`, so the
 * authorizer itself rejects a handshake that carries neither (401).
 */
export const websocketApi = {
  routeSelectionExpression: '$request.body.action',
  authorizer: { function: 'authorizer', identitySource: [] as string[] },
  /** Route key to function. Every message route is two-way: the handler's body is the reply frame. */
  routes: {
    $connect: 'connect',
    $disconnect: 'disconnect',
    $default: 'default',
    ping: 'ping',
    send: 'send',
    sync: 'sync',
    ack: 'ack',
    join: 'join',
    leave: 'leave',
    publish: 'publish',
    history: 'history',
    read: 'read',
    typing: 'typing',
    status: 'status',
    who: 'who',
    block: 'block',
    unblock: 'unblock',
    refresh: 'refresh',
  },
} as const satisfies {
  routeSelectionExpression: string;
  authorizer: { function: FunctionName; identitySource: string[] };
  routes: Record<string, FunctionName>;
};

export type RouteKey = keyof typeof websocketApi.routes;

/** Every `action` of docs/protocol.md, which is every route key not starting with `$`. */
export const actions = Object.keys(websocketApi.routes).filter((k) => !k.startsWith('$'));

/** The HTTP API: `METHOD /path` (API Gateway v2 route keys) to function. */
export const httpApi = {
  routes: {
    'GET /health': 'health',
    'POST /tickets': 'tickets',
    'POST /rooms': 'createRoom',
    'GET /rooms/{id}': 'getRoom',
    'PATCH /rooms/{id}': 'updateRoom',
    'DELETE /rooms/{id}': 'deleteRoom',
    'PUT /rooms/{id}/members/{userId}': 'putMember',
    'DELETE /rooms/{id}/members/{userId}': 'deleteMember',
    'GET /rooms/{id}/members': 'listMembers',
    'GET /rooms/{id}/online': 'listRoomOnline',
    'GET /rooms/{id}/messages': 'listRoomMessages',
    'GET /me/unread': 'getUnread',
    'POST /messages': 'postMessages',
    'GET /online': 'listOnline',
    'GET /me/blocks': 'listBlocks',
  },
} as const satisfies { routes: Record<string, FunctionName> };

/**
 * The single table. Items are keyed `pk`/`sk`; `byUser` finds a user's connections and rooms;
 * `byLastSeen` finds connections whose `$disconnect` may never have come; `byCredentialExpiry`
 * those whose credential expired. An index projects every attribute unless `include` names the
 * only non-key attributes it keeps.
 */
export const table = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    byUser: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Connections by last-seen time, for the sweeper; sharded `SWEEP#{0..15}`. */
    byLastSeen: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /**
     * Connections by credential expiry, for the sweeper; sharded `EXPIRY#{0..15}`. Projects only
     * the connection id: the keys change on `$connect` and `refresh` alone, so heartbeats and
     * subscriptions, which update other attributes, cost this index no write.
     */
    byCredentialExpiry: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk', include: ['connectionId'] },
  },
} as const;

export interface QueueSpec {
  /**
   * Function invoked by the event source mapping. It is also bound to the queue's dead-letter
   * queue (`{QUEUE}_DLQ_URL` and send rights), to move a record that can never succeed there
   * at once, with its reason.
   */
  readonly consumer: FunctionName;
  readonly batchSize: number;
  /** Must be at least six times the consumer's timeout, as AWS advises. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

export const queues = {
  deliveries: { consumer: 'deliver', batchSize: 10, visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
  notifications: { consumer: 'notify', batchSize: 10, visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
} as const satisfies Record<string, QueueSpec>;

export type QueueName = keyof typeof queues;

export interface ScheduleSpec {
  readonly function: FunctionName;
  readonly rateMinutes: number;
}

/** Scheduled functions. */
export const schedules = {
  /** Prunes connections whose `$disconnect` never came (it is best-effort on AWS). */
  sweep: { function: 'sweep', rateMinutes: 5 },
} as const satisfies Record<string, ScheduleSpec>;
