import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/manifest.ts';
import { runCdkApp } from '../helpers/cdk-app.ts';
import { functionsByName, synthStack } from '../helpers/synth.ts';

// Variants synthesize without bundling: the entries are checked, the code is not built.
const jwtUsers = Object.entries(functions)
  .filter(([, spec]) => (spec.uses as readonly string[]).includes('jwt'))
  .map(([name]) => name);

// Each case synthesizes a whole stack of 31 functions: seconds on a quiet machine, more on a busy one.
describe('Stack: MessagingStack options', { timeout: 90_000 }, () => {
  it('retains the table, the secret and the logs in prod', () => {
    const template = synthStack({ stage: 'prod' });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'prod' });
  });

  it('throttles the HTTP stage and routes as httpThrottle says', () => {
    const template = synthStack({
      httpThrottle: {
        throttle: { rateLimit: 10, burstLimit: 20 },
        routeThrottles: { 'POST /tickets': { rateLimit: 1, burstLimit: 2 } },
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      RouteSettings: { 'POST /tickets': { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2 } },
    });
  });

  it('refuses a route throttle for a route the manifest does not have', () => {
    expect(() =>
      synthStack({ httpThrottle: { routeThrottles: { 'POST /nowhere': { rateLimit: 1 } } } }),
    ).toThrow(/POST \/nowhere/);
  });

  it('verifies tokens through a JWKS URL, with no secret, when jwksUrl is given', () => {
    const template = synthStack({
      tokenAuth: { jwksUrl: 'https://issuer.example/.well-known/jwks.json', issuer: 'iss', audience: 'aud' },
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const byName = functionsByName(template);
    for (const name of jwtUsers) {
      expect(byName.get(name)?.properties.Environment.Variables, name).toMatchObject({
        JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
        JWT_ISSUER: 'iss',
        JWT_AUDIENCE: 'aud',
      });
      expect(byName.get(name)?.properties.Environment.Variables, name).not.toHaveProperty('JWT_SECRET_ARN');
    }
  });

  it('uses an existing secret, and creates none, when its ARN is given', () => {
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:wavelet-jwt-AbCdEf';
    const template = synthStack({ tokenAuth: { secretArn } });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['secretsmanager:GetSecretValue']),
            Resource: secretArn,
          }),
        ]),
      },
    });
    const byName = functionsByName(template);
    for (const name of jwtUsers) {
      expect(byName.get(name)?.properties.Environment.Variables.JWT_SECRET_ARN, name).toBe(secretArn);
    }
  });

  it('turns access logs off on both stages when accessLogs is false', () => {
    const template = synthStack({ accessLogs: false });
    template.allResourcesProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: Match.absent() });
  });

  it('refuses context flags and keys it cannot read, before building anything', async () => {
    const cases = [
      [{ accessLogs: 'no' }, /Context accessLogs must be true or false, not 'no'/],
      [{ tracing: 'on' }, /Context tracing must be true or false, not 'on'/],
      [{ kmsKey: 'alias/wavelet' }, /kmsKey 'alias\/wavelet' is neither 'new' nor a KMS key ARN/],
    ] as const;
    // The three apps run side by side.
    const runs = await Promise.all(cases.map(([context]) => runCdkApp(context)));
    cases.forEach(([context, message], i) => {
      expect(runs[i]?.status, JSON.stringify(context)).not.toBe(0);
      expect(runs[i]?.stderr, JSON.stringify(context)).toMatch(message);
    });
  });

  it('rejects both a JWKS URL and a secret ARN', () => {
    expect(() =>
      synthStack({
        tokenAuth: { jwksUrl: 'https://issuer.example/jwks', secretArn: 'arn:aws:secretsmanager:x' },
      }),
    ).toThrow(/either jwksUrl/);
  });

  it('rejects a stage name API Gateway cannot use', () => {
    expect(() => synthStack({ stage: 'my stage' })).toThrow(/Stage 'my stage'/);
  });
});
