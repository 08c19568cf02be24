import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { getDeps } from '../core/clients.ts';
import { isAppError } from '../core/errors.ts';
import { count, flushingMetrics, observe } from '../core/metrics.ts';
import { authenticateHandshake } from '../core/services/auth.ts';
import { reportUnexpected } from '../core/unexpected.ts';

/**
 * REQUEST authorizer on `$connect`. Throwing `Unauthorized` is how a Lambda authorizer makes
 * API Gateway answer 401; the context reaches every later event of the connection. Counts
 * `Authorizations` and `AuthorizerLatency` by outcome (allowed, denied, error).
 */
export const handler = flushingMetrics(
  async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const started = Date.now();
    let outcome = 'error';
    try {
      const result = await authorize(event);
      outcome = 'allowed';
      return result;
    } catch (error) {
      if (isAppError(error)) {
        outcome = 'denied';
        throw new Error('Unauthorized');
      }
      // Never the event: its query string holds the credential.
      reportUnexpected('Authorizer failed', event.requestContext?.requestId, error);
      throw error;
    } finally {
      count('Authorizations', 1, { outcome });
      observe('AuthorizerLatency', Date.now() - started, { outcome });
    }
  },
);

async function authorize(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const query = event.queryStringParameters ?? {};
  const identity = await authenticateHandshake(getDeps(), { ticket: query.ticket, token: query.token });
  const device = (query.device ?? '').slice(0, 64);
  return {
    principalId: identity.userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    // Only primitives survive the trip, as strings: roles go as a JSON array so that no role can
    // be split into others on the way (a role named `x,admin` stays one role).
    context: {
      userId: identity.userId,
      roles: JSON.stringify(identity.roles),
      device,
      credentialExpiresAt: identity.expiresAt,
    },
  };
}
