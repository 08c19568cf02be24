import { setFlagsFromString } from 'node:v8';
import { localDefaults } from './defaults.ts';
import { startLocalRuntime } from './runtime.ts';

/**
 * `npm start`: the whole backend offline. Configuration by environment:
 * WS_PORT (8080), HTTP_PORT (8081), STAGE (local), JWT_SECRET (a printed development secret),
 * DATA_DIR (keep DynamoDB data in a folder; in memory by default), IDLE_TIMEOUT_MS (600000),
 * HEAP_GROWING_PERCENT (20, see localDefaults; 0 leaves V8's own heap growth),
 * and for LocalStack AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS with USE_EXTERNAL_AWS_ENDPOINTS=1.
 */
// A copy: the runtime fills process.env with the functions' configuration.
const env = { ...process.env };
const port = (value: string | undefined, fallback: number) => (value ? Number(value) : fallback);
const external = env.USE_EXTERNAL_AWS_ENDPOINTS === '1';
const time = () => new Date().toISOString().slice(11, 23);
const heapGrowingPercent = Number(env.HEAP_GROWING_PERCENT ?? localDefaults.heapGrowingPercent);
if (!Number.isInteger(heapGrowingPercent) || heapGrowingPercent < 0) {
  process.stderr.write(
    `HEAP_GROWING_PERCENT must be a whole number, 0 or more; got "${env.HEAP_GROWING_PERCENT}"\n`,
  );
  process.exit(1);
}
// Read by V8 at every full collection, so setting it now, before the load, is in time.
if (heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);

const runtime = await startLocalRuntime({
  wsPort: port(env.WS_PORT, localDefaults.wsPort),
  httpPort: port(env.HTTP_PORT, localDefaults.httpPort),
  stage: env.STAGE ?? localDefaults.stage,
  jwtSecret: env.JWT_SECRET ?? localDefaults.jwtSecret,
  dataDir: env.DATA_DIR,
  heapGrowingPercent,
  limits: env.IDLE_TIMEOUT_MS ? { idleTimeoutMs: Number(env.IDLE_TIMEOUT_MS) } : undefined,
  external: external ? { dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB, sqs: env.AWS_ENDPOINT_URL_SQS } : undefined,
  writeEndpointsFile: true,
  log: env.QUIET === '1' ? undefined : (line) => process.stdout.write(`${time()} ${line}\n`),
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
    `  DynamoDB        ${e.dynamodb}   table ${e.tableName}${runtime.dynamodbPid ? `   (process ${runtime.dynamodbPid})` : ''}`,
    `  SQS             ${e.sqs}`,
    `  notifications   ${e.queues.notifications}`,
    `  deliveries      ${e.queues.deliveries}`,
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
