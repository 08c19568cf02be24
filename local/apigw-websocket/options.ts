/**
 * An integration behind a route: receives the API Gateway event, resolves with the Lambda proxy
 * result. A rejection is a failed invocation (the Lambda threw or the runtime failed).
 */
export type Integration = (event: Record<string, unknown>) => Promise<unknown>;

/** Limits of the emulated API, named after API Gateway's quotas. */
export interface GatewayLimits {
  /**
   * Largest frame a client may send, and the size of the frames a post is split into; a larger
   * client frame closes the connection with 1009. @default 32768
   */
  frameBytes: number;
  /**
   * Largest client message, its fragments summed (each at most `frameBytes`); the message is
   * routed whole. A larger one closes the connection with 1009. @default 131072
   */
  messageBytes: number;
  /** Largest management `POST` body; larger ones answer 413. @default 131072 */
  postBytes: number;
  /**
   * Largest route response (a two-way route's reply body), like a post: a larger one is not
   * delivered, and a line naming the connection and the size is logged. @default 131072
   */
  responseBytes: number;
  /** Close with 1001 after this long without a message from the client. @default 600000 */
  idleTimeoutMs: number;
  /** Close with 1001 this long after the connection opened. @default 7200000 */
  maxLifetimeMs: number;
  /** Time an integration or the authorizer may take. @default 29000 */
  integrationTimeoutMs: number;
}

/** Failure knobs, so that callers' fault paths can be exercised. All default to 0. */
export interface GatewayFaults {
  /** probability 0..1 that a $disconnect is not delivered to the integration */
  dropDisconnect: number;
  /** probability 0..1 that a management call answers 429 LimitExceededException */
  throttleRate: number;
  /** probability 0..1 that a management call answers 500 InternalServerErrorException */
  serverErrorRate: number;
  /** added latency in ms on every management call */
  latencyMs: number;
}

/** REQUEST authorizer on `$connect`. */
export interface GatewayAuthorizer {
  /**
   * Identity sources such as `route.request.header.Auth` or `route.request.querystring.token`;
   * when one is missing or empty the handshake answers 401 without calling the authorizer.
   */
  identitySource: string[];
  invoke: Integration;
  /**
   * How the authorizer's `context` values reach events: as strings (`null` as `"null"`), or as
   * the authorizer returned them. AWS's behaviour is *uncertain*. @default 'stringified'
   */
  contextValues?: 'stringified' | 'typed';
  /** Account in the `methodArn`. @default '123456789012' */
  accountId?: string;
}

/** Options of {@link startWebSocketGateway}. */
export interface WebSocketGatewayOptions {
  /** @default 8080; 0 picks a free port */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 'local' */
  stage?: string;
  /** 10 lower-case alphanumerics; generated when absent */
  apiId?: string;
  /** @default 'us-east-1' */
  region?: string;
  /** `requestContext.domainName`. @default '{host}:{port}' */
  domainName?: string;
  /** e.g. '$request.body.action'; also templates like '${request.body.a}/${request.body.b}' */
  routeSelectionExpression: string;
  /** route key ('$connect', '$disconnect', '$default', or a custom key) to integration */
  routes: Record<string, Integration>;
  /**
   * Route keys whose integration response body is sent back to the client (two-way, i.e. a
   * `$default` route response). @default every route except $connect and $disconnect
   */
  twoWayRoutes?: string[];
  /** REQUEST authorizer on $connect */
  authorizer?: GatewayAuthorizer;
  limits?: Partial<GatewayLimits>;
  faults?: Partial<GatewayFaults>;
  /** one line per request, for readable logs; default silent */
  log?: (line: string) => void;
}

/** A running emulated WebSocket API. */
export interface WebSocketGateway {
  readonly port: number;
  readonly apiId: string;
  readonly stage: string;
  /** ws://127.0.0.1:{port} — clients may also connect to ws://host:port/{stage} */
  readonly url: string;
  /** http://127.0.0.1:{port}/{stage} — the Management API base (the SDK client's endpoint) */
  readonly managementEndpoint: string;
  setFaults(faults: Partial<GatewayFaults>): void;
  /** ids of open connections (for tests and the sweeper) */
  connectionIds(): string[];
  /**
   * Counters for benchmarks: `posts`, `gets`, `deletes` and the same by status (`posts200`,
   * `posts410`), plus `connects`, `messages`, `disconnects` and `disconnectsDropped`.
   */
  stats(): Record<string, number>;
  close(): Promise<void>;
}
