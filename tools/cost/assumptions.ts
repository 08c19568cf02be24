import { heartbeatDefaults } from '../../client/options.ts';

/**
 * What the cost model assumes where the benchmarks cannot measure (the local runtime is not
 * AWS: its DynamoDB and management API run on the same two cores). Each is printed with the
 * table; change them here.
 */
export const assumptions = {
  /** Memory of every function (lib/manifest.ts default; no function overrides it), arm64. */
  memoryMb: 256,
  /** Lambda duration, estimated from the calls an invocation makes (warm containers, no cold starts). */
  duration: {
    /** The handler's own work per invocation (parse, validate, build frames). */
    invocationMs: 3,
    /** One DynamoDB call, in sequence (single-digit ms on AWS). */
    dynamoDbCallMs: 5,
    /** One SQS send from a handler. */
    sqsCallMs: 8,
    /** One PostToConnection; posts run DELIVERY_CONCURRENCY (32) at a time. */
    postMs: 12,
    postsInFlight: 32,
  },
  /** Every frame is under 5 KB: one API Gateway message (32 KB increments), one AppSync operation (5 KB), one SQS chunk. */
  frameBytes: 1024,
  /** A connection lasts this long on average: connect and disconnect are spread over its minutes. */
  sessionMinutes: 30,
  /**
   * The SDK's heartbeat on an idle connection, when the bench has not measured it (`npm run
   * bench -- ping` does, with the SDK's defaults): a `ping` after each `heartbeatMs` of silence.
   */
  pingsPerMinute: 60_000 / heartbeatDefaults.heartbeatMs,
  /** The ping handler writes last-seen at most this often per connection (LAST_SEEN_WRITE_INTERVAL_MS). */
  lastSeenWriteIntervalMs: 60_000,
  /** The sweeper's bound: API Gateway's default account rate and the share of it the sweeper may use. */
  sweeper: {
    connections: 1_000_000,
    /** EventBridge schedule (lib/manifest.ts `sweep.rateMinutes`). */
    rateMinutes: 5,
    /** SWEEP_IDLE_SECONDS: connections not seen this long are checked with GET @connections. */
    idleMinutes: 10,
    /**
     * `$disconnect` is best-effort on AWS and no rate of loss is published: assume one in ten,
     * far more than observed, and print the share at which the budget would break.
     */
    lostDisconnectShare: 0.1,
    accountRequestsPerSecond: 10_000,
    maxShareOfAccount: 0.01,
    /**
     * A run reads every last-seen record (lambdas/core/store/idle-connections.ts): about 165
     * bytes each (keys, id, user, last-seen, TTL, credential expiry and a claimed close: 162 as
     * test/unit/cost/seen-record-size.test.ts measures the record `$connect` writes, for a
     * 30-character user id), 1,000 a page, 16 shards read 4 at a time.
     */
    seenRecordBytes: 165,
    seenPageSize: 1000,
    shards: 16,
    shardsAtOnce: 4,
    /** One Query page of 100 KB, and one check of a stale connection (GET @connections, then its close's 5 DynamoDB calls). */
    queryMs: 20,
    checkMs: 50,
    /** Checks at once: 8 per page, in each of the 4 shards being read. */
    checksAtOnce: 32,
    /** The sweep function's timeout (lib/manifest.ts), less the 30 s it keeps back (lambdas/schedule/sweep.ts). */
    runSeconds: 300 - 30,
  },
  /**
   * Direct messages, when `npm run bench -- frames` has not measured them: one `ack` frame per
   * message, each answered (the worst case: an app acking each message with `ack()`).
   */
  acksPerDirectMessage: 1,
  repliesPerAck: 1,
  /** AppSync Events: operations per connection besides messages (connect, two subscribes). */
  appSyncOperationsPerSession: 3,
} as const;

export type Assumptions = typeof assumptions;
