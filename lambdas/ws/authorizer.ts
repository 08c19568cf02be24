import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { getDeps } from '../core/clients.ts';
import { isAppError } from '../core/errors.ts';
import { logger } from '../core/logger.ts';
import { authenticateHandshake } from '../core/services/auth.ts';

/**
 * REQUEST authorizer on `$connect`. Throwing `Unauthorized` is how a Lambda authorizer makes
 * API Gateway answer 401; the context reaches every later event of the connection.
 */
export const handler = async (
  event: APIGatewayRequestAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> => {
  const query = event.queryStringParameters ?? {};
  let identity: Awaited<ReturnType<typeof authenticateHandshake>>;
  try {
    identity = await authenticateHandshake(getDeps(), { ticket: query.ticket, token: query.token });
  } catch (error) {
    if (isAppError(error)) throw new Error('Unauthorized');
    logger.error('Authorizer failed', { error: error as Error });
    throw error;
  }
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
};
