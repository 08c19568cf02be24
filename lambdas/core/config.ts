import * as z from 'zod/mini';
import { defaultMaxDataBytes } from '../../protocol/limits.ts';
import '../../protocol/zod-locale.ts';

/**
 * Every environment variable the functions read, validated once per cold start. Nothing else
 * in `lambdas/` touches `process.env`.
 *
 * Resource variables (the table, the queues, the management endpoint) have no defaults: the
 * stack sets each one together with its grant (lib/constructs/bindings.ts), the local runtime
 * passes its own (local/runtime.ts), and a function that lacks one fails with its name instead
 * of running against nothing. `TABLE_NAME` is needed by every function that reads this config,
 * so it is checked at cold start; the others are bound only to the functions that use them
 * (lib/manifest.ts `uses`), so each is checked where it is used ({@link requireResource}).
 * Tunables keep their defaults.
 *
 * AWS endpoints are not configured here: the SDK reads the standard `AWS_ENDPOINT_URL_*`
 * variables itself, which is how the local runtime and LocalStack plug in.
 */
const notSet = {
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is not set' : undefined),
};
const required = () => z.string(notSet).check(z.minLength(1, 'is empty'));
const resource = () => z.optional(z.string());
const text = (fallback: string) => z._default(z.string(), fallback);
const int = (fallback: number, min = 1) => z._default(z.coerce.number().check(z.int(), z.gte(min)), fallback);

const schema = z.object({
  TABLE_NAME: required(),
  DELIVERIES_QUEUE_URL: resource(),
  NOTIFICATIONS_QUEUE_URL: resource(),
  /** Where the notifications consumer puts records that fail validation, with the reason. */
  NOTIFICATIONS_DLQ_URL: resource(),
  DELIVERIES_DLQ_URL: resource(),
  /** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`; locally the emulator's. */
  MANAGEMENT_ENDPOINT: resource(),
  /** The EventBridge bus every state change is put on (docs/integration.md). */
  EVENT_BUS_NAME: resource(),
  /** Where events whose put failed wait to be put again, with backoff. */
  EVENT_RETRIES_QUEUE_URL: resource(),
  EVENT_RETRIES_DLQ_URL: resource(),
  /** Delayed checks of unacknowledged inbox entries (`inbox.unacked`). */
  INBOX_CHECKS_QUEUE_URL: resource(),
  INBOX_CHECKS_DLQ_URL: resource(),
  /** The files bucket: uploads under `pending/`, attached files under `files/`. */
  FILES_BUCKET: resource(),

  /** HS256 shared secret (development). Takes precedence over JWT_SECRET_ARN. */
  JWT_SECRET: text(''),
  /** Secrets Manager secret holding the HS256 secret (deployed HS256 mode). */
  JWT_SECRET_ARN: text(''),
  /** JWKS URL for RS256/ES256 (Cognito, Auth0, any OIDC issuer). */
  JWKS_URL: text(''),
  JWT_ISSUER: text(''),
  JWT_AUDIENCE: text(''),
  /** Longest accepted token lifetime (`exp - iat`, or `exp - now` without `iat`). */
  JWT_MAX_AGE_SECONDS: int(86_400),

  TICKET_TTL_SECONDS: int(30),
  /** A little past API Gateway's two-hour connection cap, because `$disconnect` is best-effort. */
  CONNECTION_TTL_SECONDS: int(2 * 3600 + 600),
  /** A heartbeat writes last-seen at most this often per connection and container. */
  LAST_SEEN_WRITE_INTERVAL_MS: int(60_000, 0),
  MAX_DATA_BYTES: int(defaultMaxDataBytes),
  INBOX_MAX: int(1000),
  INBOX_TTL_SECONDS: int(7 * 24 * 3600),
  /** Unacknowledged direct messages one sender may hold in one inbox; the next send is INBOX_FULL. */
  INBOX_MAX_PER_SENDER: int(100),
  IDEMPOTENCY_TTL_SECONDS: int(24 * 3600),
  /** Room history retention. */
  HISTORY_TTL_SECONDS: int(30 * 24 * 3600),
  /** Rooms with more members skip `joined`/`left` events (no presence storms). */
  ROOM_EVENTS_MAX_MEMBERS: int(1000),
  /** Per user and action: frames per second, and the burst allowed above it. */
  RATE_LIMIT_PER_SECOND: int(20),
  RATE_LIMIT_BURST: int(40),
  /**
   * Per user across all actions, counting invalid frames too, in the per-action window (60 per
   * 2 s by default): a chat client never meets it; a flood of many actions does.
   */
  FRAME_BUDGET_PER_SECOND: int(30),
  /** Per user: `POST /tickets` (a reconnecting browser needs a few a minute) and `POST /rooms`. */
  TICKETS_PER_MINUTE: int(30),
  ROOMS_PER_MINUTE: int(10),
  /** Per user: `POST /uploads`. */
  UPLOADS_PER_MINUTE: int(20),
  /** The largest upload `POST /uploads` signs. */
  UPLOAD_MAX_BYTES: int(10 * 1024 * 1024),
  /** The content types `POST /uploads` signs, comma-separated; `image/*` allows every image type. */
  UPLOAD_CONTENT_TYPES: text(
    'image/*,application/pdf,text/plain,text/csv,text/markdown,application/zip,application/json,audio/mpeg,video/mp4',
  ),
  /** Path-style S3 addressing: the local S3 emulator needs it; AWS prefers virtual hosts. */
  S3_FORCE_PATH_STYLE: z._default(z.stringbool(), false),
  /**
   * A connection not seen for this long is checked by the sweeper with GET @connections: above the
   * SDK's 9-minute `lastSeenMs`, so live connections are not asked about, and with the 5-minute
   * schedule a connection whose `$disconnect` was lost leaves presence within 15 minutes. Keep it
   * above the longest handshake (the authorizer and `$connect`, up to 29 s each): a connection
   * still in its handshake answers 410 too, and would be pruned (its first frame then answers
   * UNAUTHORIZED "no longer registered; reconnect").
   */
  SWEEP_IDLE_SECONDS: int(10 * 60),

  /** How long an SDK call may wait to connect (see clients.ts); the local runtime sets more. */
  SDK_CONNECTION_TIMEOUT_MS: int(1000),

  /**
   * The publish hook: a Lambda function name or ARN invoked before a `send`, `publish` or `edit`
   * is stored (docs/integration.md "The publish hook"). The stack sets it from context
   * `publishHook`, with the invoke grant; the local runtime from `PUBLISH_HOOK` (a handler file it
   * serves through its Lambda endpoint). Unset: no hook.
   */
  PUBLISH_HOOK_FUNCTION: z.optional(z.string().check(z.minLength(1, 'is empty'))),
  /** Longest wait for the hook's answer; past it the invoke is aborted and the hook has failed. */
  PUBLISH_HOOK_TIMEOUT_MS: int(500),
  /** A failed hook (error, timeout, malformed answer): `closed` answers INTERNAL, `open` lets the frame through. */
  PUBLISH_HOOK_FAILURE: z._default(z.enum(['closed', 'open']), 'closed'),

  DELIVERY_CONCURRENCY: int(32),
  DELIVERY_TIMEOUT_MS: int(3000),
  DELIVERY_RETRIES: int(3, 0),
  DELIVERY_BACKOFF_MS: int(50),
  /** Above this many recipient connections a delivery is sharded onto the deliveries queue. */
  DELIVERY_INLINE_MAX: int(100),
  DELIVERY_SHARD_SIZE: int(100),
  /**
   * Last-seen records one `GET /online` request reads, by Query (100 each) and by BatchGet of
   * its users' connections (100 keys each, at most 100 of a user's, besides one BatchGet of 100
   * users' live-presence items): past it the page is answered short, with a cursor, well inside
   * the route's 10 s timeout however many connections there are or one user has (the last page
   * read may pass it by the BatchGets of its new users).
   */
  ONLINE_READ_MAX: int(2000),

  /**
   * An `inbox.unacked` event follows a direct message or notification that no device of the
   * recipient acknowledged within this many seconds; 0 turns it off. Clamped to 900, the longest
   * delay SQS gives a message (the check rides on one).
   */
  UNACKED_EVENT_SECONDS: int(60, 0),
  /** Puts of one failed batch of events before it goes to the dead-letter queue. */
  EVENT_RETRY_ATTEMPTS: int(20),
  /** Backoff between those puts: doubling from 1 s up to this (at most 900, the SQS delay cap). */
  EVENT_RETRY_MAX_DELAY_SECONDS: int(300),
});

export type Config = z.infer<typeof schema>;

/** A resource variable that only the functions bound to that resource get (see {@link requireResource}). */
export type ResourceVariable =
  | 'DELIVERIES_QUEUE_URL'
  | 'NOTIFICATIONS_QUEUE_URL'
  | 'NOTIFICATIONS_DLQ_URL'
  | 'DELIVERIES_DLQ_URL'
  | 'MANAGEMENT_ENDPOINT'
  | 'EVENT_BUS_NAME'
  | 'EVENT_RETRIES_QUEUE_URL'
  | 'EVENT_RETRIES_DLQ_URL'
  | 'INBOX_CHECKS_QUEUE_URL'
  | 'INBOX_CHECKS_DLQ_URL'
  | 'FILES_BUCKET';

/** The configuration is missing a variable or holds a bad value; `variables` names each one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly variables: readonly string[],
    problems: readonly string[],
  ) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

/**
 * Validates `env` into a {@link Config}; throws a {@link ConfigError} naming every missing or
 * bad variable. Tests and tools build their config with it.
 *
 * @example
 * const config = parseConfig({ TABLE_NAME: 'table', DELIVERIES_QUEUE_URL: 'deliveries' });
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  throw new ConfigError(
    issues.map((i) => i.path.join('.')),
    issues.map((i) => `${i.path.join('.')}${i.message.startsWith('is ') ? ' ' : ': '}${i.message}`),
  );
}

let cached: Config | undefined;

/** The validated configuration of this container; throws at cold start naming every bad variable. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * The value of a resource variable at the point it is used; throws a {@link ConfigError} naming
 * it when the function was not given it (its manifest entry lacks the resource that sets it).
 */
export function requireResource(config: Config, name: ResourceVariable): string {
  const value = config[name];
  if (!value) {
    throw new ConfigError(
      [name],
      [`${name} is not set (the function's manifest entry must use its resource)`],
    );
  }
  return value;
}

/** For tests that change the environment between cases. */
export function resetConfig(): void {
  cached = undefined;
}
