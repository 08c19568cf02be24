/**
 * Published AWS latencies the model multiplies the traced calls by, each with its source, and
 * where AWS publishes no figure, the assumption made and why. Milliseconds, in one region, from a
 * function in that region (the client's own network distance to the region is not included).
 * Checked 2026-12-02. AWS publishes few percentiles: a figure marked `assumed` is a planning
 * number to be replaced by CloudWatch's (`Latency`, `IntegrationLatency`,
 * `SuccessfulRequestLatency`) once a stage is deployed.
 */
export interface LatencyFigure {
  readonly p50: number;
  readonly p99: number;
  /** Where the figure comes from: a URL, and what it says. */
  readonly source: string;
  /** True where no published number exists and the figure is an assumption. */
  readonly assumed: boolean;
}

const figure = (p50: number, p99: number, source: string, assumed: boolean): LatencyFigure => ({
  p50,
  p99,
  source,
  assumed,
});

// DynamoDB: "single-digit millisecond performance at any scale" (https://aws.amazon.com/dynamodb/),
// and "for most atomic operations, such as GetItem and PutItem, you can expect an average latency
// in single-digit milliseconds; Query and Scan depend on the result size"
// (https://repost.aws/knowledge-center/dynamodb-high-latency). No p99 is published: the p99s are
// assumed at about three times the p50, what SuccessfulRequestLatency plus the SDK's HTTPS hop
// typically shows for small items.
const dynamoDbSource =
  'https://aws.amazon.com/dynamodb/ and https://repost.aws/knowledge-center/dynamodb-high-latency (single-digit ms average); p99 assumed';

/** Per AWS call, by `Service:Command` as the SDK names it (without `Command`). */
export const callLatencies: Readonly<Record<string, LatencyFigure>> = {
  'DynamoDB:GetItem': figure(4, 12, dynamoDbSource, true),
  'DynamoDB:BatchGetItem': figure(6, 18, dynamoDbSource, true),
  'DynamoDB:Query': figure(5, 15, dynamoDbSource, true),
  'DynamoDB:Scan': figure(8, 25, dynamoDbSource, true),
  'DynamoDB:PutItem': figure(5, 15, dynamoDbSource, true),
  'DynamoDB:UpdateItem': figure(5, 15, dynamoDbSource, true),
  'DynamoDB:DeleteItem': figure(5, 15, dynamoDbSource, true),
  'DynamoDB:BatchWriteItem': figure(8, 25, dynamoDbSource, true),
  // Transactions do two phases (prepare, commit): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
  'DynamoDB:TransactWriteItems': figure(10, 30, dynamoDbSource, true),
  'DynamoDB:TransactGetItems': figure(8, 24, dynamoDbSource, true),
  // SQS publishes no latency figure; assumed from the SDK round trip to a regional endpoint.
  'SQS:SendMessage': figure(8, 25, 'no published figure (https://aws.amazon.com/sqs/faqs/); assumed', true),
  'SQS:GetQueueAttributes': figure(
    8,
    25,
    'no published figure (https://aws.amazon.com/sqs/faqs/); assumed',
    true,
  ),
  'SQS:SendMessageBatch': figure(
    10,
    30,
    'no published figure (https://aws.amazon.com/sqs/faqs/); assumed',
    true,
  ),
  // PostToConnection: no published latency; assumed like a small HTTPS call to API Gateway.
  'ApiGatewayManagementApi:PostToConnection': figure(
    10,
    30,
    'no published figure (https://docs.aws.amazon.com/apigateway/latest/api/API_PostToConnection.html); assumed',
    true,
  ),
  'ApiGatewayManagementApi:GetConnection': figure(
    10,
    30,
    'no published figure; assumed as PostToConnection',
    true,
  ),
  'ApiGatewayManagementApi:DeleteConnection': figure(
    10,
    30,
    'no published figure; assumed as PostToConnection',
    true,
  ),
};

/** A call with no figure above (the table says so). */
export const unknownCall = figure(10, 30, 'no figure for this call: assumed', true);

/** The fixed steps of a request, besides the calls its functions make. */
export const stepLatencies = {
  // The gateway's own share is `Latency` minus `IntegrationLatency`
  // (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-logging.html
  // defines IntegrationLatency for WebSocket APIs); AWS publishes no value for it: assumed, frame
  // in to Lambda and route response out together.
  websocketGateway: figure(
    10,
    30,
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-logging.html (metric only); assumed',
    true,
  ),
  // HTTP API: the same split, `Latency` minus `IntegrationLatency`
  // (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html); assumed.
  httpGateway: figure(
    6,
    20,
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html (metric only); assumed',
    true,
  ),
  // Lambda's invoke overhead on a warm execution environment (routing to it, the Runtime API's
  // next/response): not published; assumed.
  // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html (lifecycle)
  lambdaInvoke: figure(
    2,
    8,
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html (lifecycle only); assumed',
    true,
  ),
  // The handler's own CPU (zod parse, the route helper, JSON, the log line) at 256 MB arm64,
  // outside its AWS calls: assumed; issue 13 item 3 measures CPU per operation.
  handlerCompute: figure(2, 6, 'assumed (256 MB arm64; issue 13 item 3 measures it)', true),
  // SQS to Lambda: the event source mapping long-polls with pollers always running, and with
  // MaximumBatchingWindowInSeconds at its default 0 it invokes as soon as a receive returns
  // messages (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html,
  // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html). The time from
  // send to invoke is not published: assumed, with a long p99 for a poller between receives.
  sqsToLambda: figure(
    20,
    150,
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html (batching window 0 by default); delay assumed',
    true,
  ),
  // A cold start: Lambda's init (sandbox, runtime, module load). AWS gives no figure; a public
  // benchmark of nodejs20.x at 256 MB in us-east-1 (2023-11-20, 100 cold starts per size) measured
  // for a 1 MB bundle an average init of 297 ms and a p90 of 640 ms
  // (https://gist.github.com/adriantanasa/06a9cbc36744ef0bf946255e9e75efbe); p99 assumed 800 ms.
  coldStart: figure(
    297,
    800,
    'https://gist.github.com/adriantanasa/06a9cbc36744ef0bf946255e9e75efbe (nodejs20.x 256 MB, 1 MB bundle: avg 297 ms, p90 640 ms); p99 assumed',
    true,
  ),
} as const satisfies Record<string, LatencyFigure>;

/** The goal of issue 13: every user-facing route under this p99, warm. */
export const warmP99GoalMs = 100;

/** The figure for one traced call, e.g. `latencyOfCall('DynamoDB', 'QueryCommand')`. */
export function latencyOfCall(service: string, command: string): LatencyFigure {
  return callLatencies[`${service}:${command.replace(/Command$/, '')}`] ?? unknownCall;
}
