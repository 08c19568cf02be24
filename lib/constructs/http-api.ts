import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, httpApi } from '../manifest.ts';
import { createStageAccessLogs, httpAccessLogFields } from './access-logs.ts';

export interface MessagingHttpApiProps {
  /** The manifest's functions, by manifest name; routes are wired to them. */
  readonly functions: Readonly<Record<FunctionName, IFunction>>;
  /**
   * Origins allowed by CORS. Browsers call `POST /tickets` from the chat page's origin.
   * @default httpApi.cors.allowOrigins of the manifest, ['*'] (credentials travel in the
   * Authorization header, never in cookies)
   */
  readonly allowOrigins?: string[];
  /**
   * Throttle of the `$default` stage, for every route together (API Gateway answers 429 past it,
   * before any function runs). The account's own limit is 10,000 per second per region.
   * @default { rateLimit: 1000, burstLimit: 2000 }
   */
  readonly throttle?: ThrottleSettings;
  /**
   * Throttles of single routes, by manifest route key, within the stage's: for all users
   * together, on top of each user's own cap (TICKETS_PER_MINUTE, ROOMS_PER_MINUTE).
   * @default {@link defaultRouteThrottles}
   */
  readonly routeThrottles?: Readonly<Record<string, ThrottleSettings>>;
  /**
   * Write an access log line per request, in JSON with the fields of {@link httpAccessLogFields}
   * (the route key, never the path or query string). Needs the account's API Gateway CloudWatch
   * role; `-c accessLogs=false` turns them off in an account without it.
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

/** The default stage throttle: well above a chat of thousands of users, far below the account's. */
export const defaultStageThrottle: ThrottleSettings = { rateLimit: 1000, burstLimit: 2000 };

/**
 * Routes that create things get their own, lower throttle: a reconnect wave after a deploy needs
 * a ticket per client (500 a second serves 10,000 clients in 20 s), rooms are created rarely.
 */
export const defaultRouteThrottles: Readonly<Record<string, ThrottleSettings>> = {
  'POST /tickets': { rateLimit: 500, burstLimit: 1000 },
  'POST /rooms': { rateLimit: 50, burstLimit: 100 },
};

/**
 * The HTTP API of the manifest on its auto-deployed `$default` stage, one route per manifest
 * route key with a Lambda proxy integration (payload format 2.0), and CORS.
 *
 * There is deliberately no built-in JWT authorizer: it only verifies RS256 through a JWKS URL,
 * and HS256 with a shared secret is supported too, so handlers verify the bearer themselves with
 * the same code the WebSocket authorizer uses (`GET /health` is public anyway). API Gateway has no
 * X-Ray tracing for HTTP APIs (REST APIs only), so only the functions can be traced.
 *
 * @example
 * const http = new MessagingHttpApi(this, 'Http', { functions });
 * http.url; // https://{apiId}.execute-api.{region}.amazonaws.com
 */
export class MessagingHttpApi extends Construct {
  public readonly api: HttpApi;
  /** Routes by manifest route key (`GET /health`). */
  public readonly routes: Readonly<Record<string, HttpRoute>>;
  /** The base URL of the `$default` stage. */
  public readonly url: string;
  /** Where access log lines go; undefined when access logs are off. */
  public readonly accessLogGroup?: LogGroup;

  constructor(scope: Construct, id: string, props: MessagingHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-http`,
      corsPreflight: {
        allowOrigins: props.allowOrigins ?? [...httpApi.cors.allowOrigins],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: [...httpApi.cors.allowHeaders],
        maxAge: Duration.seconds(httpApi.cors.maxAgeSeconds),
      },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const routes: Record<string, HttpRoute> = {};
    for (const [routeKey, functionName] of Object.entries(httpApi.routes) as [string, FunctionName][]) {
      const [method, path] = parseRouteKey(routeKey);
      let integration = integrations.get(functionName);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${functionName}-Integration`, props.functions[functionName]);
        integrations.set(functionName, integration);
      }
      const [route] = this.api.addRoutes({ path, methods: [method], integration });
      if (!route) continue;
      routes[routeKey] = route;
      Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: routeAuthorization(routeKey) });
    }
    for (const name of new Set(Object.values(httpApi.routes) as FunctionName[])) {
      Validations.of(props.functions[name]).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: `${name} serves HTTP API routes, invoked synchronously by API Gateway: a failure is the caller's 5xx answer, and there is no event to keep`,
      });
    }
    this.routes = routes;
    this.url = this.api.apiEndpoint;
    this.throttleStage(props.throttle ?? defaultStageThrottle, props.routeThrottles ?? defaultRouteThrottles);
    this.accessLogGroup = this.logStage(props);
  }

  /** Access logs on the auto-deployed stage, which the L2 construct does not expose. */
  private logStage(props: MessagingHttpApiProps): LogGroup | undefined {
    const cfnStage = this.api.defaultStage?.node.defaultChild as CfnStage;
    if (!(props.accessLogs ?? true)) {
      const reason =
        'Access logs were turned off with accessLogs=false (-c accessLogs=false), for an account without the API Gateway CloudWatch Logs role; function logs and metrics still record every request';
      Validations.of(cfnStage).acknowledge({ id: 'AwsSolutions-APIG1', reason });
      Validations.of(cfnStage).acknowledge({ id: 'Serverless-APIGWAccessLogging', reason });
      return undefined;
    }
    const { logGroup, settings } = createStageAccessLogs(this, 'AccessLogs', httpAccessLogFields, {
      removalPolicy: props.logRemovalPolicy,
      encryptionKey: props.logEncryptionKey,
    });
    cfnStage.accessLogSettings = settings;
    return logGroup;
  }

  /** Sets the throttles on the auto-deployed stage, which the L2 construct does not expose. */
  private throttleStage(stage: ThrottleSettings, perRoute: Readonly<Record<string, ThrottleSettings>>) {
    const defaultStage = this.api.defaultStage;
    if (!defaultStage) throw new Error('The HTTP API has no $default stage to throttle');
    const cfnStage = defaultStage.node.defaultChild as CfnStage;
    cfnStage.defaultRouteSettings = routeSettingsOf(stage);
    // `RouteSettings` is untyped JSON in the L1 construct: its keys go out as written.
    const settings: Record<string, { ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number }> = {};
    for (const [routeKey, throttle] of Object.entries(perRoute)) {
      const route = this.routes[routeKey];
      if (!route) throw new Error(`Route throttle for '${routeKey}', which is not a route of the manifest`);
      settings[routeKey] = {
        ThrottlingRateLimit: throttle.rateLimit,
        ThrottlingBurstLimit: throttle.burstLimit,
      };
      // CloudFormation refuses route settings for a route that does not exist yet.
      defaultStage.node.addDependency(route);
    }
    if (Object.keys(settings).length > 0) cfnStage.routeSettings = settings;
  }
}

const routeSettingsOf = (throttle: ThrottleSettings): CfnStage.RouteSettingsProperty => ({
  throttlingRateLimit: throttle.rateLimit,
  throttlingBurstLimit: throttle.burstLimit,
});

/** Why an HTTP route has no API Gateway authorizer. */
function routeAuthorization(routeKey: string): string {
  if (routeKey === 'GET /health') {
    return 'GET /health is public by design: load balancers and uptime checks call it without credentials, and it answers only whether the stack is up';
  }
  return `${routeKey} has no API Gateway authorizer: its handler verifies the bearer token itself (HS256 with the shared secret or RS256/ES256 through the JWKS URL, the code the $connect authorizer uses), since API Gateway's JWT authorizer cannot verify HS256`;
}

/** `GET /rooms/{id}` to its method and path; throws on a key the manifest should never hold. */
function parseRouteKey(routeKey: string): [HttpMethod, string] {
  const [method, path] = routeKey.split(' ');
  if (!method || !path || !Object.values<string>(HttpMethod).includes(method)) {
    throw new Error(`Invalid HTTP route key in the manifest: '${routeKey}'`);
  }
  return [method as HttpMethod, path];
}
