import * as z from 'zod/mini';
import { defaultMaxDataBytes } from '../../protocol/limits.ts';
import '../../protocol/zod-locale.ts';

/**
 * Every environment variable the functions read, validated once per cold start. Nothing else
 * in `lambdas/` touches `process.env`. Defaults work for the local runtime.
 *
 * AWS endpoints are not configured here: the SDK reads the standard `AWS_ENDPOINT_URL_*`
 * variables itself, which is how the local runtime and LocalStack plug in.
 */
const text = (fallback: string) => z._default(z.string(), fallback);
const int = (fallback: number, min = 1) => z._default(z.coerce.number().check(z.int(), z.gte(min)), fallback);

const schema = z.object({
  TABLE_NAME: text('wavelet-local'),
  DELIVERIES_QUEUE_URL: text(''),
  NOTIFICATIONS_QUEUE_URL: text(''),
  /** Where the notifications consumer puts records that fail validation, with the reason. */
  NOTIFICATIONS_DLQ_URL: text(''),
  DELIVERIES_DLQ_URL: text(''),
  /** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`; locally `http://127.0.0.1:8080/local`. */
  MANAGEMENT_ENDPOINT: text('http://127.0.0.1:8080/local'),

  /** HS256 shared secret (development). Takes precedence over JWT_SECRET_ARN. */
  JWT_SECRET: text(''),
  /** Secrets Manager secret holding the HS256 secret (deployed HS256 mode). */
  JWT_SECRET_ARN: text(''),
  /** JWKS URL for RS256/ES256 (Cognito, Auth0, any OIDC issuer). */
  JWKS_URL: text(''),
  JWT_ISSUER: text(''),
  JWT_AUDIENCE: text(''),

  TICKET_TTL_SECONDS: int(30),
  /** A little past API Gateway's two-hour connection cap, because `$disconnect` is best-effort. */
  CONNECTION_TTL_SECONDS: int(2 * 3600 + 600),
  /** A heartbeat writes last-seen at most this often per connection and container. */
  LAST_SEEN_WRITE_INTERVAL_MS: int(60_000, 0),
  MAX_DATA_BYTES: int(defaultMaxDataBytes),
  INBOX_MAX: int(1000),
  INBOX_TTL_SECONDS: int(7 * 24 * 3600),
  IDEMPOTENCY_TTL_SECONDS: int(24 * 3600),
  /** Room history retention. */
  HISTORY_TTL_SECONDS: int(30 * 24 * 3600),
  /** Rooms with more members skip `joined`/`left` events (no presence storms). */
  ROOM_EVENTS_MAX_MEMBERS: int(1000),
  /** Per user and action: frames per second, and the burst allowed above it. */
  RATE_LIMIT_PER_SECOND: int(20),
  RATE_LIMIT_BURST: int(40),
  /** A connection not seen for this long is checked by the sweeper with GET @connections. */
  SWEEP_IDLE_SECONDS: int(15 * 60),

  /** How long an SDK call may wait to connect (see clients.ts); the local runtime sets more. */
  SDK_CONNECTION_TIMEOUT_MS: int(1000),

  DELIVERY_CONCURRENCY: int(32),
  DELIVERY_TIMEOUT_MS: int(3000),
  DELIVERY_RETRIES: int(3, 0),
  DELIVERY_BACKOFF_MS: int(50),
  /** Above this many recipient connections a delivery is sharded onto the deliveries queue. */
  DELIVERY_INLINE_MAX: int(100),
  DELIVERY_SHARD_SIZE: int(100),
});

export type Config = z.infer<typeof schema>;

let cached: Config | undefined;

/** The validated configuration; throws at cold start naming every bad variable. */
export function getConfig(): Config {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** For tests that change the environment between cases. */
export function resetConfig(): void {
  cached = undefined;
}
