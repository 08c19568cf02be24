import { describe, expect, it } from 'vitest';
import {
  appSyncCostOf,
  costOf,
  gbSeconds,
  increments,
  noUsage,
  scale,
  sum,
} from '../../../tools/cost/model.ts';
import { prices } from '../../../tools/cost/prices.ts';
import { dollars } from '../../../tools/cost/tables.ts';

describe('Function: costOf', () => {
  it('prices each service from its own usage at the list prices', () => {
    const cost = costOf(
      {
        wsMessages: 2_000_000,
        apiGatewayRequests: 1_500_000,
        connectionMinutes: 4_000_000,
        lambdaRequests: 5_000_000,
        lambdaGbSeconds: 1_000_000,
        readUnits: 8_000_000,
        writeUnits: 2_000_000,
        sqsRequests: 10_000_000,
      },
      prices,
    );
    // 2 M messages at $1.00 + 4 M connection-minutes at $0.25
    expect(cost.apiGateway).toBeCloseTo(3, 10);
    // 5 M requests at $0.20 + 1 M GB-s at $0.0000133334
    expect(cost.lambda).toBeCloseTo(1 + 13.3334, 10);
    // 8 M RRU at $0.125 + 2 M WRU at $0.625
    expect(cost.dynamoDb).toBeCloseTo(1 + 1.25, 10);
    // 10 M requests at $0.40
    expect(cost.sqs).toBeCloseTo(4, 10);
    expect(cost.total).toBeCloseTo(3 + 14.3334 + 2.25 + 4, 10);
  });

  it('costs nothing for no usage', () => {
    expect(costOf(noUsage, prices).total).toBe(0);
  });
});

describe('Function: appSyncCostOf', () => {
  it('adds operations at $1.00 and connection-minutes at $0.08 per million', () => {
    expect(appSyncCostOf({ operations: 3_000_000, connectionMinutes: 10_000_000 }, prices)).toBeCloseTo(
      3.8,
      10,
    );
  });
});

describe('Function: increments', () => {
  it('counts a payload in whole increments, at least one', () => {
    const kb32 = prices.apiGatewayWebSocket.messageIncrementBytes;
    expect(increments(0, kb32)).toBe(1);
    expect(increments(32 * 1024, kb32)).toBe(1);
    expect(increments(33 * 1024, kb32)).toBe(2);
    expect(increments(64 * 1024 + 1, prices.sqsStandard.requestChunkBytes)).toBe(2);
  });
});

describe('Function: gbSeconds', () => {
  it('bills whole milliseconds of the configured memory', () => {
    expect(gbSeconds(1000, 1024)).toBe(1);
    expect(gbSeconds(99.2, 256)).toBeCloseTo(0.1 * 0.25, 12);
  });
});

describe('Function: scale and sum', () => {
  it('scales and adds usage field by field', () => {
    const one = { ...noUsage, wsMessages: 2, writeUnits: 3 };
    const total = sum(one, scale(one, 0.5), { ...noUsage, readUnits: 1 });
    expect(total).toEqual({ ...noUsage, wsMessages: 3, writeUnits: 4.5, readUnits: 1 });
  });
});

describe('Function: dollars', () => {
  it('shows dollars per million units, cents above a dollar and three significant digits below', () => {
    expect(dollars(9.35e-6)).toBe('$9.35');
    expect(dollars(1.234e-9)).toBe('$0.00123');
    expect(dollars(0)).toBe('$0');
  });
});
