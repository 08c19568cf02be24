import { z } from 'zod';

/**
 * Every environment variable the functions read, validated once per cold start. Nothing else
 * in `lambdas/` touches `process.env`. Defaults work for the local runtime.
 *
 * AWS endpoints are not configured here: the SDK reads the standard `AWS_ENDPOINT_URL_*`
 * variables itself, which is how the local runtime and LocalStack plug in.
 */
const schema = z.object({
  TABLE_NAME: z.string().min(1).default('wavelet-local'),
  DELIVERIES_QUEUE_URL: z.string().default(''),
  NOTIFICATIONS_QUEUE_URL: z.string().default(''),
  /** Where the notifications consumer puts records that fail validation, with the reason. */
  NOTIFICATIONS_DLQ_URL: z.string().default(''),
  /** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`; locally `http://127.0.0.1:8080/local`. */
  MANAGEMENT_ENDPOINT: z.string().default('http://127.0.0.1:8080/local'),

  /** HS256 shared secret (development). Takes precedence over JWT_SECRET_ARN. */
  JWT_SECRET: z.string().default(''),
  /** Secrets Manager secret holding the HS256 secret (deployed HS256 mode). */
  JWT_SECRET_ARN: z.string().default(''),
  /** JWKS URL for RS256/ES256 (Cognito, Auth0, any OIDC issuer). */
  JWKS_URL: z.string().default(''),
  JWT_ISSUER: z.string().default(''),
  JWT_AUDIENCE: z.string().default(''),

  TICKET_TTL_SECONDS: z.coerce.number().int().positive().default(30),
  /** A little past API Gateway's two-hour connection cap, because `$disconnect` is best-effort. */
  CONNECTION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 3600 + 600),
  MAX_DATA_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024),
  INBOX_MAX: z.coerce.number().int().positive().default(1000),
  INBOX_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  IDEMPOTENCY_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 3600),

  DELIVERY_CONCURRENCY: z.coerce.number().int().positive().default(32),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  DELIVERY_RETRIES: z.coerce.number().int().min(0).default(3),
  DELIVERY_BACKOFF_MS: z.coerce.number().int().positive().default(50),
  /** Above this many recipient connections a delivery is sharded onto the deliveries queue. */
  DELIVERY_INLINE_MAX: z.coerce.number().int().positive().default(100),
  DELIVERY_SHARD_SIZE: z.coerce.number().int().positive().default(100),
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
