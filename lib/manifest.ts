/**
 * The one declaration of the backend's shape: functions, WebSocket routes, HTTP routes, the
 * table, the queues and their event sources, and schedules. The CDK stack builds AWS resources
 * from it and the local runtime builds its emulated services from it, so the two cannot drift;
 * `test/infra` holds the synthesized template against it.
 *
 * This file must stay free of CDK and AWS SDK imports: the local runtime loads it.
 */

/** A Lambda function: its source file (exporting `handler`), its limits and what it may touch. */
export interface FunctionSpec {
  /** Path from the repository root to the handler file; the file exports `handler`. */
  readonly entry: string;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMb?: number;
  /** Which env-bound resources besides the table the function needs (drives grants and env vars). */
  readonly uses: readonly Resource[];
  /**
   * What the function may do to the table's items, grant by grant (`TABLE_NAME` is set when
   * `items` or `indexes` is). Each grant is one IAM statement on the table, limited by a
   * `dynamodb:LeadingKeys` condition to the partition keys its `keys` match.
   * @default no item access
   */
  readonly items?: readonly ItemGrant[];
  /**
   * What the function may do on each index (Query, Scan); an index not listed is closed to it.
   * @default no index access
   */
  readonly indexes?: IndexGrants;
}

/**
 * Resources besides the table a function can be bound to; each binding sets env vars and grants
 * together. `queue:{name}` sends to that queue; `queue:{name}:attributes` only reads its
 * attributes (the health probe); `management` is `@connections` of the stage; `jwt` reads the
 * signing secret; `events` puts events on the event bus (and sends the ones it refuses to the
 * event-retries queue).
 * `publishHook` invokes the function named by context `publishHook` (binds nothing without one).
 * `bucket:upload` signs PUTs under `pending/`, `bucket:attach` reads `pending/` and
 * writes `files/` (the attach's copy), `bucket:read` signs GETs of `files/` (and of `pending/`, for the uploader),
 * `bucket:delete` deletes both objects of a file whose message is deleted.
 */
export type Resource =
  | 'queue:deliveries'
  | 'queue:notifications'
  | 'queue:inboxChecks'
  | 'queue:eventRetries'
  | 'queue:deliveries:attributes'
  | 'queue:eventRetries:attributes'
  | 'queue:inboxChecks:attributes'
  | 'queue:notifications:attributes'
  | 'management'
  | 'jwt'
  | 'events'
  | 'bucket:upload'
  | 'bucket:attach'
  | 'bucket:read'
  | 'bucket:delete'
  | 'publishHook';

/** DynamoDB actions on the table's items (an index has its own grants, {@link IndexGrants}). */
export type ItemAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem';

/** The item actions that change nothing. */
export const readItemActions: readonly ItemAction[] = ['GetItem', 'BatchGetItem', 'Query'];

/**
 * Partition keys of the table by their fixed prefix (`lambdas/core/store/keys.ts`): `CONN#*` is
 * every connection item. `keyPart` escapes `#` in the parts, so a caller's id never changes the
 * prefix. `HEALTH` is the one key the health probe reads (and which never exists).
 */
export type KeyPattern =
  | 'BLOCKS#*'
  | 'CONN#*'
  | 'DEPARTED#*'
  | 'FILE#*'
  | 'HIST#*'
  | 'IDEM#*'
  | 'INBOX#*'
  | 'LIVE#*'
  | 'PRESENCE#*'
  | 'RATE#*'
  | 'REACT#*'
  | 'ROOM#*'
  | 'SEEN#*'
  | 'SUBS#*'
  | 'TICKET#*'
  | 'HEALTH'
  | 'MODERATION#*';

/** One statement: these actions on the items whose partition key matches one of `keys`. */
export interface ItemGrant {
  readonly actions: readonly ItemAction[];
  readonly keys: readonly KeyPattern[];
}

export type IndexName = keyof typeof table.indexes;
export type IndexGrants = { readonly [I in IndexName]?: readonly ('Query' | 'Scan')[] };

const ws = (name: string, access: Access, timeoutSeconds = 10): FunctionSpec => ({
  entry: `lambdas/ws/${name}.ts`,
  timeoutSeconds,
  ...access,
});

const http = (name: string, access: Access): FunctionSpec => ({
  entry: `lambdas/http/${name}.ts`,
  ...access,
});

type Access = Pick<FunctionSpec, 'uses' | 'items' | 'indexes'>;

/**
 * Every action the code of these functions takes, on their keys. Most write paths end in the
 * same place: a connection removed (410 Gone, a close) takes its subscriptions and live-presence
 * counts with it and its departure is claimed and announced to rooms.
 */
/** Attaching uploads to a message: read each file record, mark it attached (or undo that). */
const fileAttach: ItemGrant = { actions: ['GetItem', 'UpdateItem'], keys: ['FILE#*'] };

const itemWrites: readonly ItemAction[] = [
  'GetItem',
  'Query',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
];
/**
 * The items a connection's departure touches: it and its last-seen record, its subscriptions,
 * counts, claims, rooms.
 */
const departureKeys: readonly KeyPattern[] = ['CONN#*', 'DEPARTED#*', 'LIVE#*', 'ROOM#*', 'SEEN#*', 'SUBS#*'];
/** Rate-limit windows (`ws-route.ts`, `http-route.ts`): one counter update per frame or request. */
const rateLimits: ItemGrant = { actions: ['UpdateItem'], keys: ['RATE#*'] };
/**
 * TRANSITION (store/credential-expiry.ts, getLegacyCredentialExpiry; goes with it): the credential
 * expiry of a connection opened before it moved into `SEEN#`, for the routes that grant no `CONN#`.
 */
const legacyExpiryRead: ItemGrant = { actions: ['GetItem'], keys: ['CONN#*'] };
/** The moderation settings, read by `send`, `publish` and `edit` before anything is stored. */
const moderationRead: ItemGrant = { actions: ['GetItem'], keys: ['MODERATION#*'] };
/** Announces to rooms (posts frames) and queues departures it cannot announce itself. */
/** Puts events on the bus (docs/integration.md): only the functions whose state changes emit one. */
const emits: readonly Resource[] = ['events', 'queue:eventRetries'];
/**
 * Posts to connections: a connection found gone (410) is removed, and the bus hears of it
 * (`connection.closed`), so every fan-out emits.
 */
const fanOut: readonly Resource[] = ['queue:deliveries', 'management', ...emits];

/**
 * Each function's grants follow the calls its code can make (derived by following the handler's
 * references into the store: `test/infra/permissions.test.ts` checks that every DynamoDB call and
 * key reached is granted, and lists every grant against `permissions.expected.json`).
 */
export const functions = {
  /** Unauthenticated input: it only consumes (deletes) a ticket, and reads the signing secret. */
  authorizer: ws(
    'authorizer',
    { uses: ['jwt'], items: [{ actions: ['DeleteItem'], keys: ['TICKET#*'] }] },
    5,
  ),
  /** Records the connection; a user with other live connections gets stale counts repaired. */
  connect: ws('connect', {
    uses: fanOut,
    items: [{ actions: itemWrites, keys: departureKeys }],
  }),
  disconnect: ws('disconnect', {
    uses: fanOut,
    items: [{ actions: itemWrites, keys: departureKeys }],
  }),
  default: ws('default', { uses: [], items: [rateLimits] }),
  ping: ws('ping', {
    // `management`: a heartbeat from a connection whose records are gone closes it.
    uses: ['management'],
    items: [{ actions: ['GetItem', 'UpdateItem'], keys: ['SEEN#*'] }, legacyExpiryRead, rateLimits],
  }),
  send: ws('send', {
    uses: [...fanOut, 'queue:inboxChecks', 'bucket:attach', 'publishHook'],
    items: [
      { actions: itemWrites, keys: [...departureKeys, 'BLOCKS#*', 'IDEM#*', 'INBOX#*'] },
      fileAttach,
      moderationRead,
      rateLimits,
    ],
  }),
  sync: ws(
    'sync',
    { uses: fanOut, items: [{ actions: itemWrites, keys: [...departureKeys, 'INBOX#*'] }, rateLimits] },
    29,
  ),
  ack: ws('ack', {
    uses: [],
    items: [
      { actions: ['GetItem', 'UpdateItem', 'DeleteItem'], keys: ['INBOX#*', 'SEEN#*'] },
      legacyExpiryRead,
      rateLimits,
    ],
  }),
  join: ws(
    'join',
    {
      uses: fanOut,
      items: [{ actions: itemWrites, keys: [...departureKeys, 'HIST#*'] }, rateLimits],
    },
    29,
  ),
  leave: ws('leave', {
    uses: fanOut,
    items: [{ actions: itemWrites, keys: departureKeys }, rateLimits],
  }),
  publish: ws('publish', {
    // bucket:delete: a retry that took over a key deletes its copies of a deleted message's files.
    uses: [...fanOut, 'bucket:attach', 'bucket:delete', 'publishHook'],
    items: [
      { actions: itemWrites, keys: [...departureKeys, 'HIST#*', 'IDEM#*'] },
      fileAttach,
      moderationRead,
      rateLimits,
    ],
  }),
  edit: ws('edit', {
    uses: [...fanOut, 'publishHook'],
    items: [
      { actions: itemWrites, keys: [...departureKeys, 'HIST#*', 'IDEM#*'] },
      moderationRead,
      rateLimits,
    ],
  }),
  delete: ws('delete', {
    uses: [...fanOut, 'bucket:delete'],
    items: [
      { actions: itemWrites, keys: [...departureKeys, 'HIST#*', 'IDEM#*'] },
      { actions: ['UpdateItem'], keys: ['FILE#*'] },
      rateLimits,
    ],
  }),
  react: ws('react', {
    uses: fanOut,
    items: [{ actions: itemWrites, keys: [...departureKeys, 'HIST#*', 'IDEM#*', 'REACT#*'] }, rateLimits],
  }),
  history: ws('history', {
    uses: [],
    items: [
      { actions: ['GetItem', 'Query'], keys: ['HIST#*', 'ROOM#*', 'SEEN#*'] },
      legacyExpiryRead,
      rateLimits,
    ],
  }),
  read: ws('read', {
    uses: fanOut,
    items: [{ actions: itemWrites, keys: [...departureKeys, 'HIST#*'] }, rateLimits],
  }),
  typing: ws('typing', { uses: fanOut, items: [{ actions: itemWrites, keys: departureKeys }, rateLimits] }),
  status: ws('status', {
    uses: fanOut,
    items: [{ actions: itemWrites, keys: [...departureKeys, 'PRESENCE#*'] }, rateLimits],
  }),
  who: ws('who', {
    uses: [],
    items: [
      { actions: ['GetItem', 'BatchGetItem', 'Query'], keys: ['PRESENCE#*', 'ROOM#*', 'SEEN#*', 'SUBS#*'] },
      legacyExpiryRead,
      rateLimits,
    ],
  }),
  block: ws('block', {
    uses: [],
    items: [
      { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keys: ['BLOCKS#*', 'SEEN#*'] },
      legacyExpiryRead,
      rateLimits,
    ],
  }),
  unblock: ws('unblock', {
    uses: [],
    items: [
      { actions: ['GetItem', 'UpdateItem', 'DeleteItem'], keys: ['BLOCKS#*', 'SEEN#*'] },
      legacyExpiryRead,
      rateLimits,
    ],
  }),
  refresh: ws('refresh', {
    uses: ['jwt'],
    items: [
      { actions: ['GetItem', 'UpdateItem', 'DeleteItem'], keys: ['SEEN#*', 'TICKET#*'] },
      legacyExpiryRead,
      rateLimits,
    ],
  }),

  tickets: http('tickets', {
    uses: ['jwt'],
    items: [{ actions: ['PutItem'], keys: ['TICKET#*'] }, rateLimits],
  }),
  createUpload: http('create-upload', {
    uses: ['jwt', 'bucket:upload'],
    items: [{ actions: ['PutItem'], keys: ['FILE#*'] }, rateLimits],
  }),
  getFile: http('get-file', {
    uses: ['jwt', 'bucket:read'],
    items: [{ actions: ['GetItem'], keys: ['FILE#*', 'ROOM#*'] }],
  }),
  /** Public: reads one key that never exists and each queue's attributes; sends nothing. */
  health: http('health', {
    uses: ['queue:deliveries:attributes', 'queue:notifications:attributes'],
    items: [{ actions: ['GetItem'], keys: ['HEALTH'] }],
  }),
  createRoom: http('create-room', {
    uses: ['jwt', ...emits],
    items: [{ actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: ['ROOM#*'] }, rateLimits],
  }),
  getRoom: http('get-room', { uses: ['jwt'], items: [{ actions: ['GetItem'], keys: ['ROOM#*'] }] }),
  updateRoom: http('update-room', {
    uses: ['jwt'],
    items: [{ actions: ['GetItem', 'UpdateItem'], keys: ['ROOM#*'] }],
  }),
  deleteRoom: http('delete-room', {
    uses: [...fanOut, 'jwt'],
    items: [{ actions: itemWrites, keys: departureKeys }],
  }),
  putMember: http('put-member', {
    uses: ['jwt', ...emits],
    items: [{ actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: ['ROOM#*'] }],
  }),
  deleteMember: http('delete-member', {
    uses: [...fanOut, 'jwt'],
    items: [{ actions: itemWrites, keys: departureKeys }],
  }),
  listMembers: http('list-members', {
    uses: ['jwt'],
    items: [{ actions: ['GetItem', 'Query'], keys: ['ROOM#*'] }],
  }),
  listRoomOnline: http('list-room-online', {
    uses: ['jwt'],
    items: [{ actions: ['GetItem', 'BatchGetItem', 'Query'], keys: ['PRESENCE#*', 'ROOM#*', 'SUBS#*'] }],
  }),
  listRoomMessages: http('list-room-messages', {
    uses: ['jwt'],
    items: [{ actions: ['GetItem', 'Query'], keys: ['HIST#*', 'ROOM#*'] }],
  }),
  getUnread: http('get-unread', {
    uses: ['jwt'],
    items: [{ actions: ['GetItem', 'Query'], keys: ['HIST#*', 'ROOM#*'] }],
    indexes: { byUser: ['Query'] },
  }),
  postMessages: http('post-messages', {
    uses: [...fanOut, 'jwt', 'queue:inboxChecks'],
    items: [{ actions: itemWrites, keys: [...departureKeys, 'IDEM#*', 'INBOX#*'] }],
  }),
  /**
   * The admin listing of online users queries the last-seen shards, which name each connection's
   * user (no partition lists every user: it would be a hot key on every connect), and reads the
   * users' live-presence items and their connections' last-seen records.
   */
  listOnline: http('list-online', {
    uses: ['jwt'],
    items: [
      { actions: ['BatchGetItem'], keys: ['LIVE#*'] },
      { actions: ['BatchGetItem', 'Query'], keys: ['SEEN#*'] },
      // TRANSITION (store/live-connections.ts, getLegacyConnectionUsers; goes with it).
      { actions: ['BatchGetItem'], keys: ['CONN#*'] },
    ],
  }),
  getModeration: http('get-moderation', {
    uses: ['jwt'],
    items: [{ actions: ['GetItem'], keys: ['MODERATION#*'] }],
  }),
  putModeration: http('put-moderation', {
    uses: ['jwt'],
    items: [{ actions: ['PutItem'], keys: ['MODERATION#*'] }],
  }),
  listBlocks: http('list-blocks', { uses: ['jwt'], items: [{ actions: ['Query'], keys: ['BLOCKS#*'] }] }),

  /** The delivery worker; its broadcast queries the last-seen shards for every live connection. */
  deliver: {
    entry: 'lambdas/queue/deliver.ts',
    timeoutSeconds: 60,
    uses: [...fanOut, 'queue:inboxChecks'],
    items: [{ actions: itemWrites, keys: [...departureKeys, 'INBOX#*'] }],
  },
  notify: {
    entry: 'lambdas/queue/notify.ts',
    timeoutSeconds: 60,
    uses: [...fanOut, 'queue:inboxChecks'],
    items: [{ actions: itemWrites, keys: [...departureKeys, 'IDEM#*', 'INBOX#*'] }],
  },
  sweep: {
    entry: 'lambdas/schedule/sweep.ts',
    timeoutSeconds: 300,
    uses: fanOut,
    items: [
      { actions: itemWrites, keys: departureKeys },
      // TRANSITION (store/credential-expiry.ts, getLegacyCredentialExpiries; goes with it).
      { actions: ['BatchGetItem'], keys: ['CONN#*'] },
    ],
    indexes: {},
  },
  /** Puts again the events the bus refused (the event-retries queue). */
  retryEvents: {
    entry: 'lambdas/queue/retry-events.ts',
    timeoutSeconds: 30,
    uses: emits,
    items: [],
    indexes: {},
  },
  /** Reads an inbox entry a while after it was stored: still there, `inbox.unacked`. */
  checkInbox: {
    entry: 'lambdas/queue/check-inbox.ts',
    timeoutSeconds: 30,
    uses: emits,
    items: [{ actions: ['GetItem'], keys: ['INBOX#*'] }],
    indexes: {},
  },
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
    edit: 'edit',
    delete: 'delete',
    react: 'react',
  },
} as const satisfies {
  routeSelectionExpression: string;
  authorizer: { function: FunctionName; identitySource: string[] };
  routes: Record<string, FunctionName>;
};

export type RouteKey = keyof typeof websocketApi.routes;

/** Every `action` of docs/protocol.md, which is every route key not starting with `$`. */
export const actions = Object.keys(websocketApi.routes).filter((k) => !k.startsWith('$'));

/**
 * The files bucket's layout: an upload lands under `pendingPrefix` (deleted a day later unless
 * attached), attaching copies it under `attachedPrefix`.
 */
export const files = {
  pendingPrefix: 'pending/',
  attachedPrefix: 'files/',
} as const;

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
    'POST /uploads': 'createUpload',
    'GET /files/{fileId}': 'getFile',
    'GET /moderation': 'getModeration',
    'PUT /moderation': 'putModeration',
  },
  /**
   * The API's CORS configuration, answered by API Gateway itself (and by the local HTTP API from
   * the same values): credentials travel in the Authorization header, never in cookies, so any
   * origin may call it; `allowOrigins` is the stack's default, overridable per deployment.
   */
  cors: {
    allowOrigins: ['*'],
    allowMethods: ['*'],
    allowHeaders: ['authorization', 'content-type'],
    maxAgeSeconds: 86_400,
  },
} as const satisfies {
  routes: Record<string, FunctionName>;
  cors: {
    allowOrigins: readonly string[];
    allowMethods: readonly string[];
    allowHeaders: readonly string[];
    maxAgeSeconds: number;
  };
};

/**
 * The single table. Items are keyed `pk`/`sk`; `byUser` finds a user's rooms (member items;
 * connection records are in no index: a user's connections are their live-presence item's).
 * The sweeper, the broadcast and `GET /online` need no index: every connection has a last-seen
 * record (`SEEN#{0..15}`, naming its user and holding the credential expiry), read shard by
 * shard; a heartbeat's write to one is a single unit. An index projects every attribute unless
 * `include` names the only non-key attributes it keeps.
 */
export const table = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    byUser: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
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
  /** Events the bus refused; each record is put again, then re-sent later while it still fails. */
  eventRetries: { consumer: 'retryEvents', batchSize: 10, visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
  /** One delayed record per stored inbox entry (UNACKED_EVENT_SECONDS). */
  inboxChecks: { consumer: 'checkInbox', batchSize: 10, visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
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
