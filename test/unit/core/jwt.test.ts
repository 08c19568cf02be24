import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { resetKeySource, verifyToken } from '../../../lambdas/core/auth/jwt.ts';
import { ConfigError } from '../../../lambdas/core/config.ts';
import { callerOf, type WebSocketEvent } from '../../../lambdas/core/ws-event.ts';
import { testConfig } from '../../helpers/config.ts';

const secret = 'unit-test-secret';
const now = 1_800_000_000_000;
const nowSeconds = now / 1000;
const config = testConfig({ JWT_SECRET: secret });
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

afterEach(() => resetKeySource());

describe('Function: verifyToken', () => {
  it('gives the user, the roles and the expiry in epoch ms', async () => {
    const token = await sign({ sub: 'auth0|42', roles: ['admin'], iat: nowSeconds, exp: nowSeconds + 60 });
    expect(await verifyToken(config, token, now)).toEqual({
      userId: 'auth0|42',
      roles: ['admin'],
      expiresAt: now + 60_000,
    });
  });

  it('reads a string roles claim split on spaces only, so x,admin stays one role', async () => {
    const token = await sign({ sub: 'a', roles: 'x,admin reader', exp: nowSeconds + 60 });
    expect((await verifyToken(config, token, now)).roles).toEqual(['x,admin', 'reader']);
  });

  it('bounds the lifetime by JWT_MAX_AGE_SECONDS, from iat or else from now', async () => {
    const short = testConfig({ JWT_SECRET: secret, JWT_MAX_AGE_SECONDS: 100 });
    await expect(
      verifyToken(short, await sign({ sub: 'a', exp: nowSeconds + 100 }), now),
    ).resolves.toBeDefined();
    await expect(
      verifyToken(short, await sign({ sub: 'a', exp: nowSeconds + 101 }), now),
    ).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const oldIat = await sign({ sub: 'a', iat: nowSeconds - 200, exp: nowSeconds + 10 });
    await expect(verifyToken(short, oldIat, now)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a token over 8 KB without verifying it', async () => {
    await expect(verifyToken(config, 'a'.repeat(8193), now)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('fails as a configuration error in JWKS mode without JWT_ISSUER and JWT_AUDIENCE', async () => {
    const jwks = testConfig({ JWKS_URL: 'https://issuer.example/.well-known/jwks.json' });
    const token = await sign({ sub: 'a', exp: nowSeconds + 60 });
    await expect(verifyToken(jwks, token, now)).rejects.toBeInstanceOf(ConfigError);
    await expect(verifyToken({ ...jwks, JWT_ISSUER: 'https://issuer.example/' }, token, now)).rejects.toThrow(
      /JWT_ISSUER and JWT_AUDIENCE/,
    );
  });
});

describe('Function: callerOf', () => {
  const event = (authorizer: Record<string, unknown>) =>
    ({ requestContext: { connectionId: 'c1', authorizer } }) as unknown as WebSocketEvent;

  it('reads the roles as the JSON array the authorizer wrote, and the credential expiry', () => {
    expect(
      callerOf(event({ userId: 'u', roles: '["x,admin","reader"]', credentialExpiresAt: '1800000000000' })),
    ).toEqual({ connectionId: 'c1', userId: 'u', roles: ['x,admin', 'reader'], credentialExpiresAt: now });
  });

  it('grants no role for anything but a JSON array, and keeps only its strings', () => {
    expect(callerOf(event({ userId: 'u', roles: 'x,admin' })).roles).toEqual([]);
    expect(callerOf(event({ userId: 'u', roles: '{"0":"admin"}' })).roles).toEqual([]);
    expect(callerOf(event({ userId: 'u', roles: '[["admin"],1,"reader"]' })).roles).toEqual(['reader']);
    expect(callerOf(event({ userId: 'u' })).credentialExpiresAt).toBeUndefined();
  });
});
