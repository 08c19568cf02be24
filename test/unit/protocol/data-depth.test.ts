import { describe, expect, it } from 'vitest';
import { dataDepth, isWithinDataDepth } from '../../../protocol/data-depth.ts';
import { maxDataDepth } from '../../../protocol/limits.ts';

const arrays = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('Function: dataDepth', () => {
  it('counts scalars as 0 and each object or array as one level', () => {
    expect(dataDepth('text')).toBe(0);
    expect(dataDepth(null)).toBe(0);
    expect(dataDepth({})).toBe(1);
    expect(dataDepth([1, 2])).toBe(1);
    expect(dataDepth({ a: [1, { b: null }], c: 2 })).toBe(3);
  });

  it('measures 100,000 levels without overflowing the stack, stopping one past the limit', () => {
    expect(dataDepth(arrays(100_000))).toBe(maxDataDepth + 1);
  });

  it('ends on a cyclic value', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(isWithinDataDepth(cycle)).toBe(false);
  });

  it('accepts exactly 32 levels and refuses 33', () => {
    expect(isWithinDataDepth(arrays(32))).toBe(true);
    expect(isWithinDataDepth(arrays(33))).toBe(false);
    expect(isWithinDataDepth({ a: [0, 1, arrays(31)] })).toBe(false);
    expect(isWithinDataDepth({ a: [0, 1, arrays(30)] })).toBe(true);
  });
});
