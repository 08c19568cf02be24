import { describe, expect, it } from 'vitest';
import { SeqLedger } from '../../../tools/loadtest/seq-ledger.ts';

describe('Class: SeqLedger', () => {
  it('expects every seq up to the highest one issued at every subscriber', () => {
    const ledger = new SeqLedger();
    for (const s of [1, 2, 3]) ledger.subscribe('r', s);
    for (const seq of [1, 2, 3, 4]) ledger.issued('r', seq);
    for (const s of [1, 2, 3]) for (const seq of [1, 2, 3, 4]) ledger.receive('r', s, seq);
    expect(ledger.counts()).toEqual({
      rooms: 1,
      messages: 4,
      expected: 12,
      received: 12,
      lost: 0,
      duplicated: 0,
      gaps: 0,
    });
  });

  it('counts the seqs a subscriber missed, including ones past its last receipt', () => {
    const ledger = new SeqLedger();
    ledger.subscribe('r', 1);
    ledger.subscribe('r', 2);
    for (const seq of [1, 2, 3, 4, 5]) ledger.issued('r', seq);
    for (const seq of [1, 2, 3, 4, 5]) ledger.receive('r', 1, seq);
    ledger.receive('r', 2, 1);
    ledger.receive('r', 2, 3); // 2 missing: a gap seen live
    // 4 and 5 never came to subscriber 2.
    expect(ledger.counts()).toMatchObject({ expected: 10, received: 7, lost: 3, gaps: 1 });
  });

  it('learns the highest seq from receipts when a publish reply was lost', () => {
    const ledger = new SeqLedger();
    ledger.subscribe('r', 1);
    ledger.subscribe('r', 2);
    ledger.issued('r', 1);
    ledger.receive('r', 1, 1);
    ledger.receive('r', 1, 2);
    ledger.receive('r', 2, 2);
    expect(ledger.counts()).toMatchObject({ messages: 2, expected: 4, received: 3, lost: 1 });
  });

  it('counts a seq received twice by one subscriber as a duplicate, rooms apart', () => {
    const ledger = new SeqLedger();
    ledger.subscribe('a', 1);
    ledger.subscribe('b', 1);
    ledger.receive('a', 1, 1);
    expect(ledger.receive('a', 1, 1)).toBe('duplicate');
    expect(ledger.receive('b', 1, 1)).toBe('first');
    expect(ledger.counts()).toMatchObject({
      rooms: 2,
      messages: 2,
      expected: 2,
      received: 2,
      lost: 0,
      duplicated: 1,
    });
  });
});
