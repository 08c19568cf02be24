import { describe, expect, it } from 'vitest';
import { describeEventBusCost, eventBusCost } from '../../../tools/cost/event-bus.ts';
import { prices } from '../../../tools/cost/prices.ts';

describe('Function: eventBusCost', () => {
  it('prices one PutEvents entry per message at the EventBridge list price', () => {
    expect(eventBusCost(prices).putDollars).toBe(prices.eventBridge.perMillionCustomEvents);
  });

  it('prices the unacked check as three SQS requests, an invocation and half a read unit per message', () => {
    const cost = eventBusCost(prices, { checkBatchMs: 0 });
    const expected =
      3 * prices.sqsStandard.perMillionRequests +
      prices.lambdaArm64.perMillionRequests +
      0.5 * prices.dynamoDbOnDemand.perMillionReadRequestUnits;
    expect(cost.checkDollars).toBeCloseTo(expected, 10);
  });

  it('costs less per message when the checks come in batches', () => {
    expect(eventBusCost(prices, { recordsPerBatch: 10 }).checkDollars).toBeLessThan(
      eventBusCost(prices).checkDollars,
    );
  });

  it('says what each part costs', () => {
    expect(describeEventBusCost(eventBusCost(prices))).toMatch(/PutEvents entry.*inbox\.unacked check/);
  });
});
