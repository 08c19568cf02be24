import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { OperationsAlarms, type OperationsAlarmsTuning } from './constructs/alarms.ts';
import { bindUses, lambdaFunctionArn, type PublishHookTarget } from './constructs/bindings.ts';
import { OperationsDashboard } from './constructs/dashboard.ts';
import { type KmsKeyOption, resolveEncryptionKey } from './constructs/encryption.ts';
import { MessagingEventBus, type MessagingEventBusProps } from './constructs/event-bus.ts';
import { Files } from './constructs/files.ts';
import { type HandlerDefaults, Handlers, type ReservedConcurrency } from './constructs/handlers.ts';
import { MessagingHttpApi, type MessagingHttpApiProps } from './constructs/http-api.ts';
import type { HandlerLayout } from './constructs/per-api.ts';
import { Queues } from './constructs/queues.ts';
import { Storage } from './constructs/storage.ts';
import { TokenAuth, type TokenAuthProps } from './constructs/token-auth.ts';
import { Triggers } from './constructs/triggers.ts';
import { MessagingWebSocketApi } from './constructs/websocket-api.ts';

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
   * One function per route (`per-route`, 33 functions) or one per API (`per-api`: one for the
   * WebSocket routes, one for the HTTP routes, the authorizer, consumers and sweeper apart), as
   * `-c handlers=per-api`; see {@link HandlerLayout} and docs/cost.md "Cold starts". Named
   * `handlerLayout` because `handlers` is the function defaults.
   * @default 'per-route' (the measured choice, docs/cost.md)
   */
  readonly handlerLayout?: HandlerLayout;
  /**
   * Access logs on both APIs (the WebSocket stage and the HTTP `$default` stage), JSON lines
   * without query strings. They need the account's API Gateway CloudWatch role (set once per
   * region); `-c accessLogs=false` turns them off in an account without it.
   * @default true
   */
  readonly accessLogs?: boolean;
  /**
   * X-Ray active tracing on every function (`-c tracing=true`). API Gateway cannot trace
   * WebSocket or HTTP APIs (only REST APIs), so traces start at the function.
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Customer-managed KMS key for the table, the queues and their dead-letter queues, and every
   * log group: `'new'` creates one with rotation on, a key ARN imports one (`-c kmsKey=...`).
   * @default AWS-managed encryption (DynamoDB's AWS-owned key, SSE-SQS, the CloudWatch Logs key)
   */
  readonly kmsKey?: KmsKeyOption;
  /**
   * Reserved concurrency for each function of a group; see {@link ReservedConcurrency}.
   * @default none: every function shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: ReservedConcurrency;
  /**
   * HTTP API throttles: the stage's for all routes and single routes' (`POST /tickets`,
   * `POST /rooms`); see {@link MessagingHttpApiProps}.
   * @default stage 1,000 per second (burst 2,000); tickets 500 (1,000); rooms 50 (100)
   */
  readonly httpThrottle?: Pick<MessagingHttpApiProps, 'throttle' | 'routeThrottles'>;
  /**
   * An e-mail address subscribed to the alarm topic (`-c alarmEmail=...`).
   * @default no e-mail subscription
   */
  readonly alarmEmail?: string;
  /**
   * An `https://` URL subscribed to the alarm topic (`-c alarmWebhookUrl=...`).
   * @default no webhook subscription
   */
  readonly alarmWebhookUrl?: string;
  /**
   * Thresholds, periods and evaluation periods of the alarms; see {@link OperationsAlarmsTuning}.
   * @default the defaults of OperationsAlarms
   */
  readonly alarms?: OperationsAlarmsTuning;
  /**
   * The event bus: an existing one (`eventBusArn`, `-c eventBusArn=...`) and rules routing chosen
   * detail-types to a team's queue or function (docs/integration.md).
   * @default a new bus, no rules
   */
  readonly events?: MessagingEventBusProps;
  /**
   * The publish hook (`-c publishHook=arn:aws:lambda:...`): a Lambda function that `send` and
   * `publish` invoke before storing a message (docs/integration.md "The publish hook"). Those
   * functions, and no other, get `PUBLISH_HOOK_FUNCTION` and `lambda:InvokeFunction` on exactly
   * this ARN.
   * @default no hook
   */
  readonly publishHook?: string;
  /**
   * How long `send` and `publish` wait for the hook (`-c publishHookTimeoutMs=500`), 1 to 30,000 ms.
   * @default 500
   */
  readonly publishHookTimeoutMs?: number;
  /**
   * What a failed or timed-out hook means (`-c publishHookFailure=open`): `closed` answers
   * `INTERNAL`, `open` lets the message through unchanged.
   * @default 'closed'
   */
  readonly publishHookFailure?: 'closed' | 'open';
}

/** The whole backend for one stage. It only wires the constructs; each documents its part. */
export class MessagingStack extends Stack {
  /** The customer-managed key of `kmsKey`; undefined with AWS-managed encryption. */
  public readonly encryptionKey?: IKey;

  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    // Checked first: the stage names the WebSocket stage, and usually the stack too.
    if (!/^[A-Za-z0-9-]{1,64}$/.test(props.stage)) {
      throw new Error(`Stage '${props.stage}' must be 1-64 letters, digits or '-'`);
    }
    const publishHook = publishHookOf(props);
    super(scope, id, props);
    const removalPolicy = props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.encryptionKey = resolveEncryptionKey(this, 'Key', props.kmsKey, removalPolicy);
    // Before the rest, so that a malformed alarmEmail or alarmWebhookUrl fails before anything else is built.
    const { topic } = new AlarmTopic(this, 'AlarmTopic', {
      email: props.alarmEmail,
      webhookUrl: props.alarmWebhookUrl,
      masterKey: this.encryptionKey,
    });
    const encryptionKey = this.encryptionKey;
    const logs = { logRemovalPolicy: removalPolicy, logEncryptionKey: encryptionKey };

    const { table } = new Storage(this, 'Storage', {
      removalPolicy,
      deletionProtection: props.stage === 'prod',
      encryptionKey,
    });
    const queues = new Queues(this, 'Queues', { encryptionKey });
    const { bucket } = new Files(this, 'Files', { removalPolicy, encryptionKey });
    const tokenAuth = new TokenAuth(this, 'TokenAuth', { removalPolicy, ...props.tokenAuth });

    const { functions, deployed } = new Handlers(this, 'Functions', {
      ...logs,
      tracing: props.tracing,
      reservedConcurrency: props.reservedConcurrency,
      layout: props.handlerLayout,
      ...props.handlers,
    });
    const webSocket = new MessagingWebSocketApi(this, 'WebSocket', {
      functions,
      stageName: props.stage,
      accessLogs: props.accessLogs,
      ...logs,
    });
    const http = new MessagingHttpApi(this, 'Http', {
      functions,
      ...props.httpThrottle,
      accessLogs: props.accessLogs,
      ...logs,
    });

    const { bus } = new MessagingEventBus(this, 'Events', props.events);
    const targets = {
      table,
      queues: queues.queues,
      management: webSocket,
      tokenAuth,
      bus,
      bucket,
      publishHook,
    };
    for (const { fn, spec } of deployed) {
      bindUses(fn, spec, targets);
      // The `stage` dimension of every metric (lambdas/core/metrics.ts).
      fn.addEnvironment('STAGE', props.stage);
    }
    new Triggers(this, 'Triggers', {
      functions,
      queues: queues.queues,
      deadLetterQueues: queues.deadLetterQueues,
      scheduleDeadLetterQueue: queues.scheduleDeadLetterQueue,
    });

    // Observability: the alarms, all notifying `topic`, and the dashboard (docs/operations.md).
    const observed = {
      functions,
      webSocketApi: webSocket.api,
      webSocketStageName: props.stage,
      httpApi: http.api,
      table,
      queues: queues.queues,
      deadLetterQueues: { ...queues.deadLetterQueues, schedule: queues.scheduleDeadLetterQueue },
      appMetrics: {
        namespace: props.handlers?.metricsNamespace ?? 'Wavelet',
        service: props.handlers?.serviceName ?? 'wavelet',
        stage: props.stage,
      },
    };
    new OperationsAlarms(this, 'Alarms', { ...observed, ...props.alarms, topic });
    const dashboard = new OperationsDashboard(this, 'Dashboard', observed);

    new CfnOutput(this, 'WebSocketUrl', { value: webSocket.url });
    new CfnOutput(this, 'HttpUrl', { value: http.url });
    new CfnOutput(this, 'ManagementEndpoint', { value: webSocket.managementEndpoint });
    new CfnOutput(this, 'NotificationsQueueUrl', { value: queues.queues.notifications.queueUrl });
    new CfnOutput(this, 'DeliveriesQueueUrl', { value: queues.queues.deliveries.queueUrl });
    new CfnOutput(this, 'EventRetriesQueueUrl', { value: queues.queues.eventRetries.queueUrl });
    new CfnOutput(this, 'InboxChecksQueueUrl', { value: queues.queues.inboxChecks.queueUrl });
    new CfnOutput(this, 'EventBusArn', { value: bus.eventBusArn });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'FilesBucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'DashboardUrl', { value: dashboard.url });
    if (tokenAuth.secret) new CfnOutput(this, 'JwtSecretArn', { value: tokenAuth.secret.secretArn });
  }
}

/** The hook props, checked before anything is built: a malformed one fails synth with its name. */
function publishHookOf(props: MessagingStackProps): PublishHookTarget | undefined {
  const { publishHook: functionArn, publishHookTimeoutMs: timeoutMs, publishHookFailure: failure } = props;
  if (functionArn === undefined) {
    if (timeoutMs !== undefined || failure !== undefined)
      throw new Error('publishHookTimeoutMs and publishHookFailure need publishHook (a Lambda function ARN)');
    return undefined;
  }
  if (!lambdaFunctionArn.test(functionArn))
    throw new Error(
      `publishHook '${functionArn}' must be a Lambda function ARN (arn:aws:lambda:{region}:{account}:function:{name}[:{alias}])`,
    );
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= 30_000))
    throw new Error(
      `publishHookTimeoutMs must be a whole number of milliseconds from 1 to 30000, not '${timeoutMs}'`,
    );
  if (failure !== undefined && failure !== 'closed' && failure !== 'open')
    throw new Error(`publishHookFailure must be closed or open, not '${String(failure)}'`);
  return { functionArn, timeoutMs, failure };
}
