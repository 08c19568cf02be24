import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Config } from '../config.ts';
import { unauthorized } from '../errors.ts';

/** Who a verified credential speaks for. */
export interface Identity {
  readonly userId: string;
  readonly roles: readonly string[];
}

type KeySource = Uint8Array | JWTVerifyGetKey;

let keySource: Promise<KeySource> | undefined;

/**
 * Verifies a JWT: HS256 with JWT_SECRET (or the secret named by JWT_SECRET_ARN), or RS256/ES256
 * against JWKS_URL. Issuer and audience are checked when configured. Throws UNAUTHORIZED.
 */
export async function verifyToken(config: Config, token: string): Promise<Identity> {
  keySource ??= resolveKeySource(config);
  const key = await keySource;
  let payload: JWTPayload;
  try {
    const options = {
      algorithms: key instanceof Uint8Array ? ['HS256'] : ['RS256', 'ES256'],
      issuer: config.JWT_ISSUER || undefined,
      audience: config.JWT_AUDIENCE || undefined,
    };
    payload = (
      key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)
    ).payload;
  } catch {
    throw unauthorized('Invalid or expired token');
  }
  if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 128) {
    throw unauthorized('Token has no usable sub claim');
  }
  return { userId: payload.sub, roles: readRoles(payload.roles) };
}

/** `roles` may be an array or a space-separated string, as issuers differ. */
function readRoles(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((r): r is string => typeof r === 'string');
  if (typeof claim === 'string') return claim.split(/[\s,]+/).filter(Boolean);
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
