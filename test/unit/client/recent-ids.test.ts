import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../../client/recent-ids.ts';

describe('Class: RecentIds', () => {
  it('tells a first sighting from a duplicate', () => {
    const seen = new RecentIds(10);
    expect(seen.add('m1')).toBe(true);
    expect(seen.add('m2')).toBe(true);
    expect(seen.add('m1')).toBe(false);
  });

  it('holds at most its capacity, forgetting the least recently seen id first', () => {
    const seen = new RecentIds(3);
    for (const id of ['a', 'b', 'c']) seen.add(id);
    seen.add('a'); // seen again: now the most recent
    seen.add('d'); // evicts b
    expect(seen.size).toBe(3);
    expect(seen.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((id) => seen.has(id))).toBe(true);
    for (let i = 0; i < 10_000; i++) seen.add(`x${i}`);
    expect(seen.size).toBe(3);
  });
});
