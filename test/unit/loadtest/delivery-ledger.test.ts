import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../../../tools/loadtest/delivery-ledger.ts';

describe('Class: DeliveryLedger', () => {
  it('counts a delivery lost when a recipient of the audience never receives the message', () => {
    const ledger = new DeliveryLedger();
    ledger.expect('m1', 3);
    ledger.expect('m2', 1);
    expect(ledger.receive('m1', 0)).toBe('first');
    expect(ledger.receive('m1', 2)).toBe('first');
    expect(ledger.pending).toBe(2);
    expect(ledger.counts()).toEqual({
      messages: 2,
      expected: 4,
      delivered: 2,
      lost: 2,
      duplicated: 0,
      unexpected: 0,
    });
  });

  it('counts a second receipt at the same recipient as a duplicate, not as a delivery', () => {
    const ledger = new DeliveryLedger();
    ledger.expect('m1', 2);
    ledger.receive('m1', 1);
    expect(ledger.receive('m1', 1)).toBe('duplicate');
    expect(ledger.receive('m1', 1)).toBe('duplicate');
    ledger.receive('m1', 0);
    expect(ledger.counts()).toMatchObject({ expected: 2, delivered: 2, lost: 0, duplicated: 2 });
    expect(ledger.pending).toBe(0);
  });

  it('counts receipts of unknown messages or outside the audience as unexpected', () => {
    const ledger = new DeliveryLedger();
    ledger.expect('m1', 2);
    expect(ledger.receive('nope', 0)).toBe('unexpected');
    expect(ledger.receive('m1', 2)).toBe('unexpected');
    expect(ledger.counts()).toMatchObject({ delivered: 0, lost: 2, unexpected: 2 });
  });

  it('expects a refused message nowhere, and its early receipts become unexpected', () => {
    const ledger = new DeliveryLedger();
    ledger.expect('m1', 2);
    ledger.expect('m2', 2);
    ledger.receive('m2', 0);
    ledger.cancel('m2');
    ledger.receive('m1', 0);
    ledger.receive('m1', 1);
    expect(ledger.counts()).toEqual({
      messages: 1,
      expected: 2,
      delivered: 2,
      lost: 0,
      duplicated: 0,
      unexpected: 1,
    });
  });

  it('refuses to expect the same message twice', () => {
    const ledger = new DeliveryLedger();
    ledger.expect('m1', 1);
    expect(() => ledger.expect('m1', 1)).toThrow(/already expected/);
  });
});
