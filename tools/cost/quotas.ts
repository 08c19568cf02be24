/**
 * AWS default quotas that bound one cell (one stack with its own WebSocket API, table and
 * queues, alone in its account and region), read on 2026-12-02 from the pages cited beside each.
 * `raised` is what `npm run cost -- scale` assumes a quota increase grants: ten times the
 * default. AWS publishes no ceiling for these raises (Lambda says only "tens of thousands"), and
 * grants each by support case, so treat it as the figure to ask for, not a promise.
 */

/** One quota: how much of something a cell may use per second (or at once). */
export interface Quota {
  readonly name: string;
  readonly service: 'API Gateway' | 'Lambda' | 'DynamoDB' | 'SQS';
  /** What it counts, per second unless `unit` says otherwise. */
  readonly unit: string;
  /** Where it applies. */
  readonly scope: 'account and region' | 'table';
  readonly default: number;
  readonly adjustable: boolean;
  readonly source: string;
}

/** The ratio of a raised quota to its default (see the file's comment). */
export const raiseFactor = 10;

export const quotas = {
  apiGatewayRequests: {
    name: 'API Gateway requests per second',
    service: 'API Gateway',
    unit: 'requests/s (client frames, $connect, every @connections call)',
    scope: 'account and region',
    // "Throttle quota per account, per Region across HTTP APIs, REST APIs, WebSocket APIs, and
    // WebSocket callback APIs": 10,000 RPS, burst set by AWS (5,000); 2,500 in some newer Regions.
    default: 10_000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html',
  },
  newConnections: {
    name: 'WebSocket new connections per second',
    service: 'API Gateway',
    unit: 'connections/s',
    scope: 'account and region',
    // Across all WebSocket APIs; no quota on concurrent connections (bounded by this rate times
    // the 2-hour connection duration).
    default: 500,
    adjustable: true,
    source:
      'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html',
  },
  lambdaConcurrency: {
    name: 'Lambda concurrent executions',
    service: 'Lambda',
    unit: 'executions at once',
    scope: 'account and region',
    // "Can be increased up to: tens of thousands"; new accounts start lower. Each function also
    // scales by at most 1,000 environments every 10 s
    // (https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html).
    default: 1_000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
  },
  dynamoDbReads: {
    name: 'DynamoDB on-demand table reads',
    service: 'DynamoDB',
    unit: 'read request units/s',
    scope: 'table',
    // The table-level quota bounds an on-demand table at 40,000 RRU and WRU per second unless
    // raised; a partition serves at most 3,000 RRU or 1,000 WRU per second, and a new table
    // 12,000 RRU or 4,000 WRU until it has seen more (doubling the previous peak in 30 minutes).
    default: 40_000,
    adjustable: true,
    source:
      'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode-max-throughput.html',
  },
  dynamoDbWrites: {
    name: 'DynamoDB on-demand table writes',
    service: 'DynamoDB',
    unit: 'write request units/s',
    scope: 'table',
    default: 40_000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Limits.html',
  },
  sqsRequests: {
    name: 'SQS standard queue requests',
    service: 'SQS',
    unit: 'requests/s',
    scope: 'account and region',
    // "Nearly unlimited" API calls per second per action on a standard queue; the bound is about
    // 120,000 messages in flight per queue (quotas-queues.html), which batches deleted within a
    // delivery never near.
    default: Number.POSITIVE_INFINITY,
    adjustable: false,
    source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html',
  },
} as const satisfies Record<string, Quota>;

export type QuotaName = keyof typeof quotas;

/**
 * API Gateway's WebSocket limits that cannot be raised and shape the load rather than cap it
 * (same page as `newConnections`): a connection lasts at most 2 hours, so it is reopened at least
 * that often; it closes after 10 idle minutes; a message is at most 128 KB in frames of 32 KB.
 */
export const webSocketLimits = {
  connectionMinutes: 120,
  idleMinutes: 10,
  messageBytes: 128 * 1024,
  frameBytes: 32 * 1024,
} as const;
