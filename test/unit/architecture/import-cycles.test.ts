import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, readImportGraph } from '../../helpers/imports.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** `protocol/` is scanned once it exists. */
const scanned = ['protocol', 'lambdas', 'client', 'local'];

const describeCycles = (cycles: string[][]) => cycles.map((cycle) => cycle.join(' -> ')).join('\n');

describe('Architecture: import cycles', () => {
  it('finds no import cycle under protocol/, lambdas/, client/ and local/ (type-only imports included)', () => {
    const graph = readImportGraph(root, scanned);
    expect(graph.size).toBeGreaterThan(100);
    const cycles = findCycles(graph);
    expect(describeCycles(cycles), `import cycles:\n${describeCycles(cycles)}`).toBe('');
  });
});

describe('Function: findCycles', () => {
  it('reports each cycle as the path that closes it', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(findCycles(graph)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ]);
  });

  it('finds nothing in a graph that only imports downwards', () => {
    const graph = new Map([
      ['handler.ts', ['service.ts', 'store.ts']],
      ['service.ts', ['store.ts']],
      ['store.ts', []],
    ]);
    expect(findCycles(graph)).toEqual([]);
  });
});
