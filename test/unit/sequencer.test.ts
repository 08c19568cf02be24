import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import LongestFirst from '../sequencer.ts';

const root = '/repo';
const spec = (file: string) =>
  ({ moduleId: `${root}/${file}`, project: { name: '' } }) as unknown as TestSpecification;

/** A vitest context with no cached results: a fresh clone; files sized as given. */
function freshContext(sizes: Record<string, number>, durations: Record<string, number> = {}): Vitest {
  return {
    config: { root, shard: undefined },
    cache: {
      getFileTestResults: (key: string) =>
        durations[key.slice(1)] === undefined
          ? undefined
          : { duration: durations[key.slice(1)], failed: false },
      getFileStats: (key: string) => ({ size: sizes[key.slice(1)] ?? 0 }),
    },
  } as unknown as Vitest;
}

const order = async (ctx: Vitest, files: string[]) =>
  (await new LongestFirst(ctx).sort(files.map(spec))).map((s) => s.moduleId.slice(root.length + 1));

describe('The test sequencer', () => {
  it('starts the files known to be slow first, longest first, however small they are', async () => {
    const files = [
      'test/unit/big.test.ts',
      'test/integration/events/bus-outage.test.ts',
      'test/integration/fanout/room-5000.test.ts',
    ];
    const ctx = freshContext({
      'test/unit/big.test.ts': 90_000,
      'test/integration/events/bus-outage.test.ts': 10,
      'test/integration/fanout/room-5000.test.ts': 10,
    });
    expect(await order(ctx, files)).toEqual([
      'test/integration/fanout/room-5000.test.ts',
      'test/integration/events/bus-outage.test.ts',
      'test/unit/big.test.ts',
    ]);
  });

  it('keeps the larger-first order among quick files, and lets a longer cached duration count', async () => {
    const files = ['test/unit/a.test.ts', 'test/unit/b.test.ts', 'test/integration/fanout/room-5000.test.ts'];
    const sizes = { 'test/unit/a.test.ts': 100, 'test/unit/b.test.ts': 200 };
    expect(await order(freshContext(sizes), files)).toEqual([
      'test/integration/fanout/room-5000.test.ts',
      'test/unit/b.test.ts',
      'test/unit/a.test.ts',
    ]);
    const cached = {
      'test/unit/a.test.ts': 500_000,
      'test/unit/b.test.ts': 1,
      'test/integration/fanout/room-5000.test.ts': 1,
    };
    expect((await order(freshContext(sizes, cached), files))[0]).toBe('test/unit/a.test.ts');
  });
});
