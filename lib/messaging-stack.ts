import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { bindUses } from './constructs/bindings.ts';
import { type HandlerDefaults, Handlers } from './constructs/handlers.ts';
import { MessagingHttpApi, type MessagingHttpApiProps } from './constructs/http-api.ts';
import { DeadLetterAlarms } from './constructs/observability.ts';
import { Queues } from './constructs/queues.ts';
import { Storage } from './constructs/storage.ts';
import { TokenAuth, type TokenAuthProps } from './constructs/token-auth.ts';
import { Triggers } from './constructs/triggers.ts';
import { MessagingWebSocketApi } from './constructs/websocket-api.ts';
import { type FunctionName, type FunctionSpec, functions as functionSpecs } from './manifest.ts';

export interface MessagingStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, ...): the WebSocket stage name; `prod` retains data. */
  readonly stage: string;
  /**
   * Token verification; see {@link TokenAuthProps} for the HS256 and JWKS modes.
   * @default HS256 with a generated secret
   */
  readonly tokenAuth?: TokenAuthProps;
  /**
   * Function defaults (AWS SDK bundling, log level, ...).
   * @default the defaults of HandlerFunction
   */
  readonly handlers?: HandlerDefaults;
  /**
   * Access logs on the WebSocket stage (needs the account's API Gateway CloudWatch role).
   * @default false
   */
  readonly accessLogs?: boolean;
  /**
   * HTTP API throttles: the stage's for all routes and single routes' (`POST /tickets`,
   * `POST /rooms`); see {@link MessagingHttpApiProps}.
   * @default stage 1,000 per second (burst 2,000); tickets 500 (1,000); rooms 50 (100)
   */
  readonly httpThrottle?: Pick<MessagingHttpApiProps, 'throttle' | 'routeThrottles'>;
}

/** The whole backend for one stage. It only wires the constructs; each documents its part. */
export class MessagingStack extends Stack {
  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    // Checked first: the stage names the WebSocket stage, and usually the stack too.
    if (!/^[A-Za-z0-9-]{1,64}$/.test(props.stage)) {
      throw new Error(`Stage '${props.stage}' must be 1-64 letters, digits or '-'`);
    }
    super(scope, id, props);
    const removalPolicy = props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const { table } = new Storage(this, 'Storage', { removalPolicy });
    const queues = new Queues(this, 'Queues');
    new DeadLetterAlarms(this, 'Alarms', { deadLetterQueues: queues.deadLetterQueues });
    const tokenAuth = new TokenAuth(this, 'TokenAuth', { removalPolicy, ...props.tokenAuth });

    const { functions } = new Handlers(this, 'Functions', {
      logRemovalPolicy: removalPolicy,
      ...props.handlers,
    });
    const webSocket = new MessagingWebSocketApi(this, 'WebSocket', {
      functions,
      stageName: props.stage,
      accessLogs: props.accessLogs,
    });
    const http = new MessagingHttpApi(this, 'Http', { functions, ...props.httpThrottle });

    const targets = { table, queues: queues.queues, management: webSocket, tokenAuth };
    for (const [name, spec] of Object.entries(functionSpecs) as [FunctionName, FunctionSpec][]) {
      bindUses(functions[name], spec, targets);
      // The `stage` dimension of every metric (lambdas/core/metrics.ts).
      functions[name].addEnvironment('STAGE', props.stage);
    }
    new Triggers(this, 'Triggers', {
      functions,
      queues: queues.queues,
      deadLetterQueues: queues.deadLetterQueues,
    });

    new CfnOutput(this, 'WebSocketUrl', { value: webSocket.url });
    new CfnOutput(this, 'HttpUrl', { value: http.url });
    new CfnOutput(this, 'ManagementEndpoint', { value: webSocket.managementEndpoint });
    new CfnOutput(this, 'NotificationsQueueUrl', { value: queues.queues.notifications.queueUrl });
    new CfnOutput(this, 'DeliveriesQueueUrl', { value: queues.queues.deliveries.queueUrl });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    if (tokenAuth.secret) new CfnOutput(this, 'JwtSecretArn', { value: tokenAuth.secret.secretArn });
  }
}
