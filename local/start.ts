import { setFlagsFromString } from 'node:v8';
import { localDefaults } from './defaults.ts';
import { PortInUseError } from './listen.ts';
import { startLocalRuntime } from './runtime.ts';
import { portVariables, readStartOptions, StartOptionError } from './start-options.ts';

/** `npm start`: the whole backend offline, configured by environment (see readStartOptions). */
// A copy: the runtime fills process.env with the functions' configuration.
const env = { ...process.env };
const time = () => new Date().toISOString().slice(11, 23);
/** A configuration `npm start` cannot run with: one line on stderr, exit 1, no stack trace. */
function stop(message: string): never {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
}

let options: ReturnType<typeof readStartOptions>;
try {
  options = readStartOptions(env);
} catch (error) {
  if (!(error instanceof StartOptionError)) throw error;
  stop(error.message);
}
// Read by V8 at every full collection, so setting it now, before the load, is in time.
if (options.heapGrowingPercent > 0)
  setFlagsFromString(`--heap-growing-percent=${options.heapGrowingPercent}`);

const runtime = await startLocalRuntime({
  ...options,
  writeEndpointsFile: true,
  log: env.QUIET === '1' ? undefined : (line) => process.stdout.write(`${time()} ${line}\n`),
}).catch((error: unknown) => {
  if (!(error instanceof PortInUseError) || !(error.option === 'wsPort' || error.option === 'httpPort'))
    throw error;
  const variable = portVariables[error.option];
  return stop(
    `port ${error.port} on ${error.host} is already in use (another npm start?); stop what holds it, or set ${variable} to a free port (${variable}=0 picks one)`,
  );
});

const e = runtime.endpoints;
process.stdout.write(
  [
    '',
    'wavelet local runtime is up',
    `  WebSocket       ${e.websocket}?token=<JWT>   (or ?ticket= from POST ${e.http}/tickets)`,
    `  Management API  ${e.management}/@connections/{connectionId}`,
    `  HTTP API        ${e.http}`,
    `  Chat page       ${e.http}/   (sign in with any name: POST ${e.http}/dev/token, local only)`,
    `  Dashboard       ${e.http}/dashboard   (live charts of the functions' metrics)`,
    `  Metrics         ${e.http}/metrics   (Prometheus text, wavelet_ prefix)`,
    `  DynamoDB        ${e.dynamodb}   table ${e.tableName}${runtime.dynamodbPid ? `   (process ${runtime.dynamodbPid})` : ''}`,
    `  SQS             ${e.sqs}`,
    `  S3              ${e.s3}   bucket ${e.bucketName}   (s3rver: signatures not checked)`,
    `  notifications   ${e.queues.notifications}`,
    `  deliveries      ${e.queues.deliveries}`,
    `  EventBridge     ${e.eventbridge}   bus ${e.eventBusName}; every event is copied to the events queue:`,
    `  events          ${e.queues.events}`,
    `    watch it: aws --endpoint-url ${e.sqs} --region us-east-1 sqs receive-message --queue-url ${e.queues.events} --wait-time-seconds 20 --max-number-of-messages 10`,
    ...(e.publishHook ? [`  Publish hook    ${env.PUBLISH_HOOK} as ${e.publishHook} at ${e.lambda}`] : []),
    `  JWT secret      ${env.JWT_SECRET ? '(from JWT_SECRET)' : localDefaults.jwtSecret}   token: npm run token -- alice`,
    '  Endpoints written to .local/endpoints.json. Ctrl-C stops.',
    '',
  ].join('\n'),
);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping...\n');
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
