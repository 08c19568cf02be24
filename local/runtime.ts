import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type FunctionName,
  functions,
  httpApi,
  queues,
  schedules,
  table,
  websocketApi,
} from '../lib/manifest.ts';
import {
  type GatewayFaults,
  startWebSocketGateway,
  type WebSocketGateway,
  type WebSocketGatewayOptions,
} from './apigw-websocket/index.ts';
import { localDefaults } from './defaults.ts';
import { createTables, startDynamoDbProcess, startTtlSweeper } from './dynamodb/index.ts';
import { startSqsEventSource } from './event-sources/index.ts';
import { type LocalEventBridge, startEventBridge } from './eventbridge/index.ts';
import { startHttpApi } from './http-api/index.ts';
import { type LocalFunction, loadFunction } from './lambda/index.ts';
import { type LocalLambdaApi, startLambdaApi } from './lambda-api/index.ts';
import { PortInUseError } from './listen.ts';
import { installMetricsSink, MetricsRegistry, metricsRoute } from './metrics/index.ts';
import { startS3 } from './s3/index.ts';
import { startSchedule } from './schedules/index.ts';
import { createQueues, startSqs } from './sqs/index.ts';
import { startChatPage, startDashboardPage } from './web/index.ts';

/** What `npm start` prints and writes to `.local/endpoints.json`. */
export interface LocalEndpoints {
  readonly websocket: string;
  readonly management: string;
  readonly http: string;
  readonly dynamodb: string;
  readonly sqs: string;
  /** The local EventBridge endpoint (`AWS_ENDPOINT_URL_EVENTBRIDGE`) and the bus name the functions put on. */
  readonly eventbridge: string;
  readonly eventBusName: string;
  /** `events` holds a copy of every event put on the bus, as a rule's SQS target would get it. */
  readonly queues: { readonly notifications: string; readonly deliveries: string; readonly events: string };
  readonly deadLetterQueues: { readonly notifications: string; readonly deliveries: string };
  readonly tableName: string;
  /** The S3 emulator (s3rver), path-style, and the files bucket (uploads and attachments). */
  readonly s3: string;
  readonly bucketName: string;
  /** With a publish hook: the local Lambda endpoint (`AWS_ENDPOINT_URL_LAMBDA`) and the hook's function name. */
  readonly lambda?: string;
  readonly publishHook?: string;
}

export interface LocalRuntimeOptions {
  /** @default 8080 (WS_PORT); 0 picks a free port */
  readonly wsPort?: number;
  /** @default 8081 (HTTP_PORT); 0 picks a free port */
  readonly httpPort?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 'local' */
  readonly stage?: string;
  /** Keep DynamoDB data in this folder; in memory when absent. */
  readonly dataDir?: string;
  /** Heap growth of the local DynamoDB's process (see localDefaults). @default localDefaults.heapGrowingPercent */
  readonly heapGrowingPercent?: number;
  /** HS256 secret for development tokens. @default localDefaults.jwtSecret */
  readonly jwtSecret?: string;
  /** Limits of the emulated gateway (tests shorten the idle timeout). */
  readonly limits?: WebSocketGatewayOptions['limits'];
  readonly faults?: Partial<GatewayFaults>;
  /** Overrides the manifest's queue visibility timeout (tests use a second or two). */
  readonly visibilityTimeoutSeconds?: number;
  /** Concurrent pollers of each queue's event source (each runs one batch at a time). @default 2 */
  readonly queuePollers?: number;
  /** Runs every schedule at this interval instead of the manifest's rate (tests: a second or less). */
  readonly scheduleRateMs?: number;
  /**
   * The publish hook: a handler file (exporting `handler`, relative to the repository root or
   * absolute), loaded as the runtime loads the functions and served by a local Lambda `Invoke`
   * endpoint, which `send` and `publish` call through the SDK as they call the deployed hook.
   * `PUBLISH_HOOK` for `npm start`. @default no hook
   */
  readonly publishHook?: string;
  /** Extra function configuration (config.ts variables), e.g. `{ DELIVERY_INLINE_MAX: '5' }`. */
  readonly functionEnv?: Readonly<Record<string, string>>;
  /**
   * Delete the table's items whose `expiresAt` passed this often, as DynamoDB's TTL does (AWS
   * within days), so a long run stays bounded; 0 turns it off. @default 300000 (5 minutes)
   */
  readonly ttlSweepIntervalMs?: number;
  /** Use these DynamoDB/SQS endpoints (LocalStack) instead of starting our own. */
  readonly external?: { readonly dynamodb?: string; readonly sqs?: string };
  /** Write `.local/endpoints.json`. @default false */
  readonly writeEndpointsFile?: boolean;
  /** One line per request. @default silent */
  readonly log?: (line: string) => void;
}

export interface LocalRuntime {
  readonly endpoints: LocalEndpoints;
  readonly gateway: WebSocketGateway;
  /** The local event bus: `bus.fail('throttle', 30_000)` makes PutEvents fail for 30 s. */
  readonly bus: LocalEventBridge;
  /** Calls to the local SQS endpoint by operation (empty when SQS is external). */
  sqsStats(): Record<string, number>;
  /** Process id of the local DynamoDB, which runs in a child process (absent when external). */
  readonly dynamodbPid?: number;
  /** What the functions measured, from their EMF lines; served at `GET /metrics`. */
  readonly metrics: MetricsRegistry;
  stop(): Promise<void>;
}

/** Marks a taken port with the option that chose it (see {@link PortInUseError}). */
const portOf =
  (option: 'wsPort' | 'httpPort') =>
  (error: unknown): never => {
    throw error instanceof PortInUseError
      ? new PortInUseError(error.host, error.port, error.message, option)
      : error;
  };

/** A scrape of GET /metrics answered 200 is not logged: the dashboard polls every second. */
const withoutScrapes =
  (log: (line: string) => void) =>
  (line: string): void => {
    if (!/^http (GET|HEAD) \/metrics 200 /.test(line)) log(line);
  };

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts the whole backend offline: DynamoDB (dynalite, in a child process so that it runs on
 * another core), SQS, the WebSocket API with its management API, the HTTP API, the queue event
 * sources and the schedules, all running the same handler code that deploys. Handlers reach the
 * local services only through the standard `AWS_ENDPOINT_URL_*` variables, so it is one runtime
 * per process. A taken WebSocket or HTTP port rejects with a {@link PortInUseError} whose
 * `option` is `wsPort` or `httpPort`.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  // Node 20 is supported locally; the SDK's notice about its own future support is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const host = options.host ?? localDefaults.host;
  const stage = options.stage ?? localDefaults.stage;
  const log = options.log;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };

  // The functions' EMF lines feed GET /metrics instead of the terminal. Installed first so that it
  // goes last, after the invocations still running have flushed their metrics.
  const metrics = new MetricsRegistry();
  const uninstallSink = installMetricsSink((line) => metrics.ingest(line));
  stops.push(async () => uninstallSink());

  try {
    const dynamodb = options.external?.dynamodb
      ? { endpoint: options.external.dynamodb }
      : await startDynamoDbProcess({
          port: 0,
          host,
          dataDir: options.dataDir,
          heapGrowingPercent: options.heapGrowingPercent ?? localDefaults.heapGrowingPercent,
        }).then((d) => {
          stops.push(() => d.close());
          return d;
        });
    const sqs = options.external?.sqs
      ? { endpoint: options.external.sqs }
      : await startSqs({ port: 0, host }).then((s) => {
          stops.push(() => s.close());
          return s;
        });

    const s3 = await startS3({ port: 0, host, bucketName: `${localDefaults.tablePrefix}-files` });
    stops.push(() => s3.close());

    const inFlight = new Set<Promise<unknown>>();

    const tableName = localDefaults.tablePrefix;
    await createTables({ endpoint: dynamodb.endpoint, tableName });
    if (options.ttlSweepIntervalMs !== 0) {
      const ttl = startTtlSweeper({
        endpoint: dynamodb.endpoint,
        tableName,
        ttlAttribute: table.ttlAttribute,
        partitionKey: table.partitionKey,
        sortKey: table.sortKey,
        intervalMs: options.ttlSweepIntervalMs,
        log,
      });
      stops.push(() => ttl.stop());
    }
    const queueUrls = await createQueues({
      endpoint: sqs.endpoint,
      prefix: localDefaults.tablePrefix,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });
    const bus = await startEventBridge({
      host,
      sqsEndpoint: sqs.endpoint,
      queueName: `${localDefaults.tablePrefix}-events`,
      region: localDefaults.region,
      log,
    });
    stops.push(() => bus.close());
    const eventBusName = `${localDefaults.tablePrefix}-bus`;

    // Functions load lazily, after the gateway has its port and the environment is complete.
    const loaded = new Map<FunctionName, Promise<LocalFunction>>();
    let ready: () => void = () => undefined;
    const envReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const fn = (name: FunctionName) => async (event: unknown) => {
      await envReady;
      const f = loaded.get(name) ?? loadFunction(name, functions[name], { rootDir, log: functionLog(name) });
      loaded.set(name, f);
      const invocation = f.then((loadedFn) => loadedFn.invoke(event));
      inFlight.add(invocation);
      invocation.then(
        () => inFlight.delete(invocation),
        () => inFlight.delete(invocation),
      );
      return invocation;
    };

    // One line per request: the gateway and the HTTP API log the requests they serve, so their
    // functions log only failures; queue consumers and schedules log every invoke.
    const servedByApis = new Set<string>([
      ...Object.values(websocketApi.routes),
      ...Object.values(httpApi.routes),
    ]);
    servedByApis.add(websocketApi.authorizer.function);
    const functionLog = (name: FunctionName) =>
      log && ((line: string) => (servedByApis.has(name) && line.endsWith(' ok') ? undefined : log(line)));

    const routes = Object.fromEntries(
      Object.entries(websocketApi.routes).map(([routeKey, name]) => [routeKey, fn(name)]),
    );
    // Loaded now, not on the first message: a missing file fails the start, and the first
    // invoke does not spend the hook's timeout on compiling it.
    const hook = options.publishHook ? await startPublishHook(options.publishHook, log) : undefined;
    if (hook) stops.push(() => hook.api.close());

    // Stops go in reverse: the gateway, the HTTP API and the event sources stop first; the
    // invocations still running then (a `$disconnect` for every socket the gateway closed)
    // finish before the hook, the bus, the table and the queues they use go away.
    stops.push(async () => {
      const deadline = Date.now() + 5000;
      while (inFlight.size > 0 && Date.now() < deadline) await Promise.allSettled([...inFlight]);
    });
    const gateway = await startWebSocketGateway({
      port: options.wsPort ?? localDefaults.wsPort,
      host,
      stage,
      routeSelectionExpression: websocketApi.routeSelectionExpression,
      routes,
      authorizer: {
        identitySource: [...websocketApi.authorizer.identitySource],
        invoke: fn(websocketApi.authorizer.function),
      },
      limits: options.limits,
      faults: options.faults,
      log,
    }).catch(portOf('wsPort'));
    stops.push(() => gateway.close());

    // The chat page with its development token endpoint, GET /metrics and the dashboard are
    // local-only routes beside the manifest's.
    const chatPage = startChatPage({
      rootDir,
      jwtSecret: options.jwtSecret ?? localDefaults.jwtSecret,
      websocketUrl: gateway.url,
      log,
    });
    stops.push(() => chatPage.close());
    const dashboard = startDashboardPage({ rootDir, log });
    stops.push(() => dashboard.close());
    const http = await startHttpApi({
      port: options.httpPort ?? localDefaults.httpPort,
      host,
      routes: {
        ...chatPage.routes,
        ...dashboard.routes,
        'GET /metrics': metricsRoute(metrics),
        ...Object.fromEntries(Object.entries(httpApi.routes).map(([key, name]) => [key, fn(name)])),
      },
      staticDir: chatPage.staticDir,
      log: log && withoutScrapes(log),
    }).catch(portOf('httpPort'));
    stops.push(() => http.close());

    Object.assign(process.env, {
      AWS_REGION: localDefaults.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      EVENT_BUS_NAME: eventBusName,
      EVENT_RETRIES_QUEUE_URL: queueUrls.eventRetries.url,
      EVENT_RETRIES_DLQ_URL: queueUrls.eventRetries.dlqUrl,
      INBOX_CHECKS_QUEUE_URL: queueUrls.inboxChecks.url,
      INBOX_CHECKS_DLQ_URL: queueUrls.inboxChecks.dlqUrl,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      FILES_BUCKET: s3.bucketName,
      S3_FORCE_PATH_STYLE: 'true',
      TABLE_NAME: tableName,
      DELIVERIES_QUEUE_URL: queueUrls.deliveries.url,
      NOTIFICATIONS_QUEUE_URL: queueUrls.notifications.url,
      NOTIFICATIONS_DLQ_URL: queueUrls.notifications.dlqUrl,
      DELIVERIES_DLQ_URL: queueUrls.deliveries.dlqUrl,
      MANAGEMENT_ENDPOINT: gateway.managementEndpoint,
      JWT_SECRET: options.jwtSecret ?? localDefaults.jwtSecret,
      STAGE: stage,
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // As the stack sets it (lib/constructs/handler-function.ts); metrics stay on, into the sink.
      POWERTOOLS_SERVICE_NAME: 'wavelet',
      // Every handler, the table and the gateway share this process: a busy second must not
      // fail the SDK calls queued behind it (on Lambda a container runs one request at a time).
      SDK_CONNECTION_TIMEOUT_MS: '10000',
      ...(hook
        ? { AWS_ENDPOINT_URL_LAMBDA: hook.api.endpoint, PUBLISH_HOOK_FUNCTION: hook.functionName }
        : {}),
      ...options.functionEnv,
    });
    ready();

    for (const [name, spec] of Object.entries(queues)) {
      const q = queueUrls[name as keyof typeof queues];
      const source = startSqsEventSource({
        endpoint: sqs.endpoint,
        queueUrl: q.url,
        queueArn: q.arn,
        batchSize: spec.batchSize,
        pollers: options.queuePollers,
        invoke: fn(spec.consumer),
        log,
      });
      stops.push(() => source.stop());
    }
    for (const [ruleName, spec] of Object.entries(schedules) as [
      string,
      { function: FunctionName; rateMinutes: number },
    ][]) {
      const rateMs = options.scheduleRateMs ?? spec.rateMinutes * 60_000;
      const schedule = startSchedule({ rateMs, ruleName, invoke: fn(spec.function), log });
      stops.push(() => schedule.stop());
    }

    const endpoints: LocalEndpoints = {
      websocket: gateway.url,
      management: gateway.managementEndpoint,
      http: http.url,
      dynamodb: dynamodb.endpoint,
      sqs: sqs.endpoint,
      eventbridge: bus.endpoint,
      eventBusName,
      queues: {
        notifications: queueUrls.notifications.url,
        deliveries: queueUrls.deliveries.url,
        events: bus.queueUrl,
      },
      deadLetterQueues: {
        notifications: queueUrls.notifications.dlqUrl,
        deliveries: queueUrls.deliveries.dlqUrl,
      },
      tableName,
      s3: s3.endpoint,
      bucketName: s3.bucketName,
      ...(hook ? { lambda: hook.api.endpoint, publishHook: hook.functionName } : {}),
    };
    if (options.writeEndpointsFile) {
      await mkdir(path.join(rootDir, '.local'), { recursive: true });
      // Written aside and renamed: tools that poll for the file never read half of it.
      const file = path.join(rootDir, '.local', 'endpoints.json');
      await writeFile(`${file}.${process.pid}.tmp`, `${JSON.stringify(endpoints, null, 2)}\n`);
      await rename(`${file}.${process.pid}.tmp`, file);
    }
    const sqsStats = () => ('stats' in sqs ? sqs.stats() : {});
    const dynamodbPid = 'pid' in dynamodb ? dynamodb.pid : undefined;
    return { endpoints, gateway, bus, sqsStats, dynamodbPid, metrics, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The function name the local Lambda endpoint serves the publish hook under. */
const publishHookName = 'wavelet-local-publish-hook';

async function startPublishHook(
  file: string,
  log: ((line: string) => void) | undefined,
): Promise<{ api: LocalLambdaApi; functionName: string }> {
  const hook = await loadFunction('publishHook', { entry: file, uses: [] }, { rootDir, log });
  const api = await startLambdaApi({ functions: { [publishHookName]: (event) => hook.invoke(event) }, log });
  return { api, functionName: publishHookName };
}
