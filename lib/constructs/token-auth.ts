import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * How tokens (the bearer on the HTTP API, `token=` on `$connect`) are verified. Two modes:
 *
 * - **HS256** (no `jwksUrl`): a shared secret in Secrets Manager. The stack creates one with a
 *   generated 64-character value unless `secretArn` names an existing secret (context
 *   `-c jwtSecretArn=arn:...`). Functions get `JWT_SECRET_ARN` and read access to it. The secret
 *   string is the raw key, not JSON.
 * - **RS256/ES256** (`jwksUrl` set, context `-c jwksUrl=https://.../.well-known/jwks.json`):
 *   keys come from the issuer's JWKS (Cognito, Auth0, any OIDC issuer); functions get `JWKS_URL`
 *   and no secret exists.
 *
 * In both modes `issuer` and `audience` (`-c jwtIssuer=... -c jwtAudience=...`), when given, are
 * required to match the token's `iss` and `aud` (`JWT_ISSUER`, `JWT_AUDIENCE`). With a JWKS both
 * are required: synth fails without them.
 */
export interface TokenAuthProps {
  /**
   * JWKS URL of the token issuer; selects RS256/ES256 verification.
   * @default - HS256 with a shared secret
   */
  readonly jwksUrl?: string;
  /**
   * ARN of an existing Secrets Manager secret holding the HS256 key (HS256 mode only).
   * @default - a secret is created with a generated value
   */
  readonly secretArn?: string;
  /**
   * Required `iss` claim; required with `jwksUrl`.
   * @default - not checked (HS256 only)
   */
  readonly issuer?: string;
  /**
   * Required `aud` claim; required with `jwksUrl`.
   * @default - not checked (HS256 only)
   */
  readonly audience?: string;
  /**
   * What happens to a created secret when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The token verification settings functions bound to `jwt` receive: environment variables and,
 * in HS256 mode, the secret they may read.
 *
 * @example
 * const auth = new TokenAuth(this, 'TokenAuth', { jwksUrl: 'https://issuer/.well-known/jwks.json' });
 */
export class TokenAuth extends Construct {
  /** The HS256 secret; undefined in JWKS mode. */
  public readonly secret?: ISecret;
  /** The environment variables that configure verification in `lambdas/core/config.ts`. */
  public readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TokenAuthProps = {}) {
    super(scope, id);
    if (props.jwksUrl && props.secretArn) {
      throw new Error('Give either jwksUrl (RS256/ES256) or jwtSecretArn (HS256), not both');
    }
    if (props.jwksUrl && (!props.issuer || !props.audience)) {
      // A JWKS is usually a public issuer's (Cognito, Auth0): without iss and aud checks, a
      // token that issuer made for any other application would be accepted.
      throw new Error(
        'jwksUrl needs issuer and audience (-c jwtIssuer=... -c jwtAudience=...): without them any token of that issuer is accepted',
      );
    }
    const environment: Record<string, string> = {};
    if (props.jwksUrl) {
      environment.JWKS_URL = props.jwksUrl;
    } else {
      this.secret = props.secretArn
        ? Secret.fromSecretCompleteArn(this, 'Secret', props.secretArn)
        : new Secret(this, 'Secret', {
            description: 'HS256 key that signs and verifies Wavelet tokens',
            generateSecretString: { passwordLength: 64, excludePunctuation: true },
            removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
          });
      if (!props.secretArn) {
        Validations.of(this.secret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason:
            'The HS256 signing key is shared with the token issuer, which signs with the same value: automatic rotation would break every token until the issuer reloads it. Rotate by deploying a new secret (-c jwtSecretArn=...) together with the issuer (docs/operations.md)',
        });
      }
      environment.JWT_SECRET_ARN = this.secret.secretArn;
    }
    if (props.issuer) environment.JWT_ISSUER = props.issuer;
    if (props.audience) environment.JWT_AUDIENCE = props.audience;
    this.environment = environment;
  }
}
