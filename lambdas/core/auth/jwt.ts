import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { maxCredentialLength, userIdPattern } from '../../../protocol/limits.ts';
import { type Config, ConfigError } from '../config.ts';
import { unauthorized } from '../errors.ts';

/** Who a verified credential speaks for, and until when. */
export interface Identity {
  readonly userId: string;
  readonly roles: readonly string[];
  /** When the credential stops being valid (the JWT's `exp`), epoch ms. */
  readonly expiresAt: number;
}

type KeySource = Uint8Array | JWTVerifyGetKey;

let keySource: Promise<KeySource> | undefined;

/**
 * Verifies a JWT: HS256 with JWT_SECRET (or the secret named by JWT_SECRET_ARN), or RS256/ES256
 * against JWKS_URL. `exp` is required and the lifetime bounded by JWT_MAX_AGE_SECONDS; `nbf` is
 * honoured; `sub` must be a user id of the protocol's alphabet. Issuer and audience are checked
 * when configured, and must be configured with a JWKS (any issuer's keys would do otherwise).
 * Throws UNAUTHORIZED for a bad token, a ConfigError for a bad configuration.
 */
export async function verifyToken(config: Config, token: string, now = Date.now()): Promise<Identity> {
  // Checked before anything else: a huge token must cost nothing and log nothing.
  if (token.length > maxCredentialLength) throw unauthorized('Token is too long');
  const jwks = !config.JWT_SECRET && !config.JWT_SECRET_ARN && Boolean(config.JWKS_URL);
  if (jwks && (!config.JWT_ISSUER || !config.JWT_AUDIENCE)) {
    throw new ConfigError(
      ['JWT_ISSUER', 'JWT_AUDIENCE'],
      ['JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE: without them any token of that issuer is accepted'],
    );
  }
  keySource ??= resolveKeySource(config);
  const key = await keySource;
  let payload: JWTPayload;
  try {
    const options = {
      algorithms: key instanceof Uint8Array ? ['HS256'] : ['RS256', 'ES256'],
      issuer: config.JWT_ISSUER || undefined,
      audience: config.JWT_AUDIENCE || undefined,
      requiredClaims: ['exp'],
      currentDate: new Date(now),
    };
    payload = (
      key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)
    ).payload;
  } catch {
    throw unauthorized('Invalid or expired token');
  }
  const exp = payload.exp as number;
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : Math.floor(now / 1000);
  if (exp - issuedAt > config.JWT_MAX_AGE_SECONDS) {
    throw unauthorized(`Token lifetime exceeds ${config.JWT_MAX_AGE_SECONDS} seconds`);
  }
  if (typeof payload.sub !== 'string' || !userIdPattern.test(payload.sub)) {
    throw unauthorized('Token has no usable sub claim');
  }
  return { userId: payload.sub, roles: readRoles(payload.roles), expiresAt: exp * 1000 };
}

/**
 * `roles` may be an array or a space-separated string (the OAuth `scope` style), as issuers
 * differ. Never split on commas: a role is what the issuer signed, so `x,admin` is one role.
 */
function readRoles(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((r): r is string => typeof r === 'string');
  if (typeof claim === 'string') return claim.split(/\s+/).filter(Boolean);
  return [];
}

async function resolveKeySource(config: Config): Promise<KeySource> {
  if (config.JWT_SECRET) return new TextEncoder().encode(config.JWT_SECRET);
  if (config.JWT_SECRET_ARN) {
    const { SecretString } = await new SecretsManagerClient({}).send(
      new GetSecretValueCommand({ SecretId: config.JWT_SECRET_ARN }),
    );
    if (!SecretString) throw new Error('JWT secret is empty');
    return new TextEncoder().encode(SecretString);
  }
  if (config.JWKS_URL) return createRemoteJWKSet(new URL(config.JWKS_URL));
  throw new Error('No JWT configuration: set JWT_SECRET, JWT_SECRET_ARN or JWKS_URL');
}

/** For tests that switch key configuration. */
export function resetKeySource(): void {
  keySource = undefined;
}
