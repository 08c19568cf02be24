import { SignJWT } from 'jose';

export interface SignTokenOptions {
  readonly secret: string;
  readonly roles?: readonly string[];
  /** Lifetime in seconds. @default 3600 */
  readonly expiresInSeconds?: number;
  readonly issuer?: string;
  readonly audience?: string;
}

/** Signs an HS256 development token whose `sub` is the user id. */
export async function signToken(userId: string, options: SignTokenOptions): Promise<string> {
  let jwt = new SignJWT({ roles: [...(options.roles ?? [])] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 3600));
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
