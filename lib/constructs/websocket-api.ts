import { type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  CfnAuthorizer,
  type CfnStage,
  type ThrottleSettings,
  WebSocketApi,
  type WebSocketRoute,
  WebSocketStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, type RouteKey, websocketApi } from '../manifest.ts';
import { createStageAccessLogs, webSocketAccessLogFields } from './access-logs.ts';

/** Routes that carry no client frame, so nothing is replied to them. */
const LIFECYCLE_ROUTES: ReadonlySet<string> = new Set(['$connect', '$disconnect']);

export interface MessagingWebSocketApiProps {
  /** The manifest's functions, by manifest name; routes and the authorizer are wired to them. */
  readonly functions: Readonly<Record<FunctionName, IFunction>>;
  /** Stage name; also the last segment of the `wss://` URL and of the management endpoint. */
  readonly stageName: string;
  /**
   * Default throttling of every route of the stage. API Gateway applies it per route across all
   * connections: `rateLimit` messages per second in steady state, `burstLimit` in a burst.
   * Account-level limits (10,000 requests per second per region by default) still apply above it.
   * @default { rateLimit: 1000, burstLimit: 500 }
   */
  readonly throttle?: ThrottleSettings;
  /**
   * Write an access log line per connection event and message to a log group, in JSON with the
   * fields of {@link webSocketAccessLogFields} (never the query string, which carries the ticket
   * or token on `$connect`). Needs the account's API Gateway CloudWatch role, set up once per
   * region; turn it off (`-c accessLogs=false`) in an account without it, or the deployment fails.
   * @default true
   */
  readonly accessLogs?: boolean;
  /**
   * What happens to the access log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Customer-managed key the access log group is encrypted with.
   * @default the CloudWatch Logs service key
   */
  readonly logEncryptionKey?: IKey;
}

/**
 * The API Gateway WebSocket API of the manifest: its route selection expression, one route per
 * manifest route key with a Lambda proxy integration, the REQUEST authorizer on `$connect`, and
 * one auto-deployed stage with access logs. Every message route is two-way: the handler's
 * response body is sent back to the client as the reply frame. API Gateway has no X-Ray tracing
 * for WebSocket APIs, so only the functions can be traced.
 *
 * @example
 * const ws = new MessagingWebSocketApi(this, 'WebSocket', { functions, stageName: 'dev' });
 * ws.grantManageConnections(functions.send);
 */
export class MessagingWebSocketApi extends Construct {
  public readonly api: WebSocketApi;
  public readonly stage: WebSocketStage;
  /** Where access log lines go; undefined when access logs are off. */
  public readonly accessLogGroup?: LogGroup;
  /** Routes by route key. */
  public readonly routes: Readonly<Record<RouteKey, WebSocketRoute>>;
  /** `wss://{apiId}.execute-api.{region}.amazonaws.com/{stage}`: where clients connect. */
  public readonly url: string;
  /** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`: the `@connections` API. */
  public readonly managementEndpoint: string;

  constructor(scope: Construct, id: string, props: MessagingWebSocketApiProps) {
    super(scope, id);
    this.api = new WebSocketApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-websocket`,
      routeSelectionExpression: websocketApi.routeSelectionExpression,
    });

    const { function: authorizerFunction, identitySource } = websocketApi.authorizer;
    const authorizer = new WebSocketLambdaAuthorizer('Authorizer', props.functions[authorizerFunction], {
      identitySource: [...identitySource],
    });

    // One integration per function: several routes (the room actions) share a handler.
    const integrations = new Map<FunctionName, WebSocketLambdaIntegration>();
    const integrationFor = (name: FunctionName): WebSocketLambdaIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new WebSocketLambdaIntegration(`${name}-Integration`, props.functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };

    const routes = {} as Record<RouteKey, WebSocketRoute>;
    for (const [routeKey, functionName] of Object.entries(websocketApi.routes) as [
      RouteKey,
      FunctionName,
    ][]) {
      routes[routeKey] = this.api.addRoute(routeKey, {
        integration: integrationFor(functionName),
        authorizer: routeKey === '$connect' ? authorizer : undefined,
        returnResponse: !LIFECYCLE_ROUTES.has(routeKey),
      });
      if (routeKey !== '$connect') {
        Validations.of(routes[routeKey]).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: routeAuthorization(routeKey),
        });
      }
    }
    for (const name of new Set([
      authorizerFunction,
      ...Object.values(websocketApi.routes),
    ] as FunctionName[])) {
      Validations.of(props.functions[name]).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          name === authorizerFunction
            ? `${name} is the $connect authorizer, invoked synchronously by API Gateway: a failure refuses the handshake, and there is no event to keep`
            : `${name} serves WebSocket routes, invoked synchronously by API Gateway: a failure answers the client (an error frame or a 500 handshake), and there is no event to keep`,
      });
    }
    this.routes = routes;
    if (identitySource.length === 0) omitIdentitySource(this.api);

    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 1000, burstLimit: 500 },
    });
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    if (props.accessLogs ?? true) {
      const accessLogs = createStageAccessLogs(this, 'AccessLogs', webSocketAccessLogFields, {
        removalPolicy: props.logRemovalPolicy,
        encryptionKey: props.logEncryptionKey,
      });
      cfnStage.accessLogSettings = accessLogs.settings;
      this.accessLogGroup = accessLogs.logGroup;
    } else {
      const reason =
        'Access logs were turned off with accessLogs=false (-c accessLogs=false), for an account without the API Gateway CloudWatch Logs role; function logs and metrics still record every route';
      Validations.of(cfnStage).acknowledge({ id: 'AwsSolutions-APIG1', reason });
      Validations.of(cfnStage).acknowledge({ id: 'Serverless-APIGWAccessLogging', reason });
    }
    this.url = this.stage.url;
    this.managementEndpoint = this.stage.callbackUrl;
  }

  /**
   * Allows `execute-api:ManageConnections` (post to, read and delete connections) on this stage's
   * `@connections` resource only, never on other stages or APIs.
   */
  public grantManageConnections(grantee: IGrantable): Grant {
    return this.stage.grantManagementApiAccess(grantee);
  }
}

/** Why a route other than `$connect` has no authorizer: WebSocket APIs authorize the handshake. */
function routeAuthorization(routeKey: string): string {
  if (routeKey === '$disconnect') {
    return '$disconnect takes no authorizer (API Gateway runs authorizers on $connect only); it only cleans up the connection that $connect authorized';
  }
  if (routeKey === '$default') {
    return '$default takes no authorizer (API Gateway runs authorizers on $connect only); it answers frames of a connection authorized once on $connect, whose identity API Gateway keeps';
  }
  return `The ${routeKey} action takes no authorizer (API Gateway runs authorizers on $connect only): its frames arrive on a connection authorized once on $connect, and the handler reads the user from the connection's authorizer context`;
}

/**
 * API Gateway requires every listed identity source to be present before it even calls the
 * authorizer, and a client presents either `ticket` or `token` (never both), so no source can be
 * listed: the authorizer itself answers 401 to a handshake that carries neither. The L2 fills in
 * `route.request.header.Authorization` when given nothing and writes `[]` when given an empty list,
 * so the property is removed from the template outright.
 */
function omitIdentitySource(api: WebSocketApi): void {
  for (const child of api.node.findAll()) {
    if (child instanceof CfnAuthorizer) child.addPropertyDeletionOverride('IdentitySource');
  }
}
