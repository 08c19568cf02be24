import type { Prices } from './prices.ts';

/** Billable usage of AWS services for some unit of work (one message, one connection-minute). */
export interface Usage {
  /** API Gateway WebSocket messages, in metering increments (32 KB). */
  readonly wsMessages: number;
  /** Requests against API Gateway's account throttle: client frames and `@connections` calls (not replies). */
  readonly apiGatewayRequests: number;
  readonly connectionMinutes: number;
  readonly lambdaRequests: number;
  readonly lambdaGbSeconds: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** SQS requests, in billing chunks (64 KB). */
  readonly sqsRequests: number;
}

/** Dollars by service. */
export interface Cost {
  readonly apiGateway: number;
  readonly lambda: number;
  readonly dynamoDb: number;
  readonly sqs: number;
  readonly total: number;
}

export const noUsage: Usage = {
  wsMessages: 0,
  apiGatewayRequests: 0,
  connectionMinutes: 0,
  lambdaRequests: 0,
  lambdaGbSeconds: 0,
  readUnits: 0,
  writeUnits: 0,
  sqsRequests: 0,
};

const perMillion = (count: number, price: number) => (count / 1e6) * price;

/** What `usage` costs at list prices. */
export function costOf(usage: Usage, prices: Prices): Cost {
  const apiGateway =
    perMillion(usage.wsMessages, prices.apiGatewayWebSocket.perMillionMessages) +
    perMillion(usage.connectionMinutes, prices.apiGatewayWebSocket.perMillionConnectionMinutes);
  const lambda =
    perMillion(usage.lambdaRequests, prices.lambdaArm64.perMillionRequests) +
    usage.lambdaGbSeconds * prices.lambdaArm64.perGbSecond;
  const dynamoDb =
    perMillion(usage.readUnits, prices.dynamoDbOnDemand.perMillionReadRequestUnits) +
    perMillion(usage.writeUnits, prices.dynamoDbOnDemand.perMillionWriteRequestUnits);
  const sqs = perMillion(usage.sqsRequests, prices.sqsStandard.perMillionRequests);
  return { apiGateway, lambda, dynamoDb, sqs, total: apiGateway + lambda + dynamoDb + sqs };
}

/** Usage for AppSync Events: operations (in 5 KB increments) and connection minutes. */
export interface AppSyncUsage {
  readonly operations: number;
  readonly connectionMinutes: number;
}

export function appSyncCostOf(usage: AppSyncUsage, prices: Prices): number {
  return (
    perMillion(usage.operations, prices.appSyncEvents.perMillionOperations) +
    perMillion(usage.connectionMinutes, prices.appSyncEvents.perMillionConnectionMinutes)
  );
}

/** Metering increments a payload of `bytes` counts as (at least one). */
export function increments(bytes: number, incrementBytes: number): number {
  return Math.max(1, Math.ceil(bytes / incrementBytes));
}

/** GB-seconds of `ms` of a function with `memoryMb` (Lambda bills each invocation per ms, rounded up). */
export function gbSeconds(ms: number, memoryMb: number): number {
  return (Math.ceil(ms) / 1000) * (memoryMb / 1024);
}

/** `usage` times `factor`, field by field. */
export function scale(usage: Usage, factor: number): Usage {
  return Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, v * factor])) as unknown as Usage;
}

/** The sum of several usages. */
export function sum(...usages: readonly Usage[]): Usage {
  return usages.reduce(
    (total, u) =>
      Object.fromEntries(
        Object.entries(total).map(([k, v]) => [k, v + (u[k as keyof Usage] ?? 0)]),
      ) as unknown as Usage,
    noUsage,
  );
}
