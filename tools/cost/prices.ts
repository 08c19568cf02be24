/**
 * AWS list prices used by `npm run cost`: us-east-1, on-demand, in US dollars, without free
 * tiers, volume tiers past the first, or Savings Plans. Prices change: check the pages below and
 * update this file (and its date) before relying on the figures.
 *
 * Checked on 2026-11-23 against the AWS pricing pages (text and worked examples):
 * - API Gateway: https://aws.amazon.com/api-gateway/pricing/ (WebSocket APIs: messages sent
 *   and received, metered in 32 KB increments; connection minutes)
 * - Lambda: https://aws.amazon.com/lambda/pricing/ (Arm, first tier; billed per 1 ms)
 * - DynamoDB: https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table class;
 *   on-demand prices as cut on 2024-11-01)
 * - SQS: https://aws.amazon.com/sqs/pricing/ (standard queue; every 64 KB chunk of a payload is
 *   one request; a batch of up to 10 messages is one request)
 * - EventBridge: https://aws.amazon.com/eventbridge/pricing/ (custom events put on a bus; each
 *   64 KB chunk of an entry is one event)
 * - AppSync: https://aws.amazon.com/appsync/pricing/ (Event APIs: operations, messages metered
 *   in 5 KB increments; connection minutes)
 */
export const prices = {
  checked: '2026-11-23',
  region: 'us-east-1',
  apiGatewayWebSocket: {
    /** Per million messages, first billion a month ($0.80 past it). */
    perMillionMessages: 1.0,
    /** A message is metered in increments of this many bytes. */
    messageIncrementBytes: 32 * 1024,
    perMillionConnectionMinutes: 0.25,
  },
  lambdaArm64: {
    perMillionRequests: 0.2,
    /** First 7.5 billion GB-seconds a month. */
    perGbSecond: 0.0000133334,
  },
  dynamoDbOnDemand: {
    perMillionWriteRequestUnits: 0.625,
    perMillionReadRequestUnits: 0.125,
  },
  sqsStandard: {
    /** Past the first million requests a month. */
    perMillionRequests: 0.4,
    requestChunkBytes: 64 * 1024,
  },
  eventBridge: {
    perMillionCustomEvents: 1.0,
    eventChunkBytes: 64 * 1024,
  },
  appSyncEvents: {
    /** Connect, subscribe, publish and each message delivered to a subscriber are operations. */
    perMillionOperations: 1.0,
    operationIncrementBytes: 5 * 1024,
    perMillionConnectionMinutes: 0.08,
  },
} as const;

export type Prices = typeof prices;
