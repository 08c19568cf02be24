import { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * The fields of a WebSocket access log line. Only `$context` variables that never carry the
 * query string: the ticket and the token travel in the query string of `$connect`, so neither
 * `$context.path`, nor any `$request.querystring` variable is logged.
 */
export const webSocketAccessLogFields: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTimeEpoch',
  ip: '$context.identity.sourceIp',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  status: '$context.status',
  connectionId: '$context.connectionId',
  messageId: '$context.messageId',
  principalId: '$context.authorizer.principalId',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
};

/**
 * The fields of an HTTP API access log line. The route key (`GET /rooms/{id}`) names the route;
 * the raw path is left out since `$context.path` can carry the query string on some APIs.
 */
export const httpAccessLogFields: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTimeEpoch',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  error: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
};

export interface AccessLogProps {
  /**
   * How long access log lines are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly retention?: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY (CDK's default for a log group is RETAIN)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Customer-managed key the log group is encrypted with.
   * @default the CloudWatch Logs service key
   */
  readonly encryptionKey?: IKey;
}

/** Access log settings of an `AWS::ApiGatewayV2::Stage`: a log group and a one-line JSON format. */
export interface StageAccessLogs {
  readonly logGroup: LogGroup;
  readonly settings: { destinationArn: string; format: string };
}

/**
 * Creates a log group for a stage's access logs and the JSON format of its lines.
 *
 * @example
 * const { settings } = createStageAccessLogs(this, 'AccessLogs', httpAccessLogFields, {});
 * cfnStage.accessLogSettings = settings;
 */
export function createStageAccessLogs(
  scope: Construct,
  id: string,
  fields: Readonly<Record<string, string>>,
  props: AccessLogProps,
): StageAccessLogs {
  const logGroup = new LogGroup(scope, id, {
    retention: props.retention ?? RetentionDays.ONE_MONTH,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    encryptionKey: props.encryptionKey,
  });
  return { logGroup, settings: { destinationArn: logGroup.logGroupArn, format: JSON.stringify(fields) } };
}
