import { Duration, Stack } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type FunctionName, httpApi } from '../manifest.ts';

export interface MessagingHttpApiProps {
  /** The manifest's functions, by manifest name; routes are wired to them. */
  readonly functions: Readonly<Record<FunctionName, IFunction>>;
  /**
   * Origins allowed by CORS. Browsers call `POST /tickets` from the chat page's origin.
   * @default ['*'] (credentials travel in the Authorization header, never in cookies)
   */
  readonly allowOrigins?: string[];
}

/**
 * The HTTP API of the manifest on its auto-deployed `$default` stage, one route per manifest
 * route key with a Lambda proxy integration (payload format 2.0), and CORS.
 *
 * There is deliberately no built-in JWT authorizer: it only verifies RS256 through a JWKS URL,
 * and HS256 with a shared secret is supported too, so handlers verify the bearer themselves with
 * the same code the WebSocket authorizer uses (`GET /health` is public anyway).
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

  constructor(scope: Construct, id: string, props: MessagingHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-http`,
      corsPreflight: {
        allowOrigins: props.allowOrigins ?? ['*'],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.days(1),
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
      if (route) routes[routeKey] = route;
    }
    this.routes = routes;
    this.url = this.api.apiEndpoint;
  }
}

/** `GET /rooms/{id}` to its method and path; throws on a key the manifest should never hold. */
function parseRouteKey(routeKey: string): [HttpMethod, string] {
  const [method, path] = routeKey.split(' ');
  if (!method || !path || !Object.values<string>(HttpMethod).includes(method)) {
    throw new Error(`Invalid HTTP route key in the manifest: '${routeKey}'`);
  }
  return [method as HttpMethod, path];
}
