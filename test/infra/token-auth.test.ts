import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { TokenAuth } from '../../lib/constructs/token-auth.ts';

const jwksUrl = 'https://issuer.example/.well-known/jwks.json';
const build = (props: ConstructorParameters<typeof TokenAuth>[2]) =>
  new TokenAuth(new Stack(new App(), 'Test'), 'TokenAuth', props);

describe('Construct: TokenAuth', () => {
  it('refuses a JWKS URL without an issuer and an audience, naming both', () => {
    expect(() => build({ jwksUrl })).toThrow(/jwksUrl needs issuer and audience/);
    expect(() => build({ jwksUrl, issuer: 'https://issuer.example/' })).toThrow(/issuer and audience/);
    expect(() => build({ jwksUrl, audience: 'wavelet' })).toThrow(/issuer and audience/);
  });

  it('passes the JWKS URL, issuer and audience to the functions when all three are given', () => {
    const auth = build({ jwksUrl, issuer: 'https://issuer.example/', audience: 'wavelet' });
    expect(auth.environment).toEqual({
      JWKS_URL: jwksUrl,
      JWT_ISSUER: 'https://issuer.example/',
      JWT_AUDIENCE: 'wavelet',
    });
    expect(auth.secret).toBeUndefined();
  });

  it('keeps issuer and audience optional in HS256 mode', () => {
    expect(build({}).environment).toHaveProperty('JWT_SECRET_ARN');
  });
});
