import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readImportGraph, shortestPath } from '../../helpers/imports.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const graph = readImportGraph(root, ['protocol', 'lambdas']);

const core = 'lambdas/core/';
const inLayer = (layer: string) => (file: string) => file.startsWith(`${core}${layer}/`);
/** Handlers: every function entry (WebSocket and HTTP routes, queue consumers, schedules). */
const isHandler = (file: string) => file.startsWith('lambdas/') && !file.startsWith(core);

/**
 * Every import path, direct or through other modules (e.g. a helper at the root of the core),
 * from a file that `from` accepts to one that `forbidden` accepts, as `a -> b -> c`.
 */
function pathsBetween(from: (file: string) => boolean, forbidden: (file: string) => boolean): string[] {
  return [...graph.keys()]
    .filter(from)
    .sort()
    .map((file) => shortestPath(graph, file, forbidden))
    .filter((path): path is string[] => path !== undefined)
    .map((path) => path.join(' -> '));
}

describe('Architecture: layers of lambdas/core (store < delivery < services < handlers)', () => {
  it('finds the layers it checks', () => {
    for (const layer of ['store', 'delivery', 'services']) {
      expect([...graph.keys()].some(inLayer(layer)), layer).toBe(true);
    }
  });

  it('keeps the store from importing delivery or services', () => {
    expect(pathsBetween(inLayer('store'), (f) => inLayer('delivery')(f) || inLayer('services')(f))).toEqual(
      [],
    );
  });

  it('keeps delivery from importing services', () => {
    expect(pathsBetween(inLayer('delivery'), inLayer('services'))).toEqual([]);
  });

  it('keeps every core module from importing a handler', () => {
    expect(pathsBetween((f) => f.startsWith(core), isHandler)).toEqual([]);
  });

  it('keeps protocol/ free of the lambdas', () => {
    expect(
      pathsBetween(
        (f) => f.startsWith('protocol/'),
        (f) => f.startsWith('lambdas/'),
      ),
    ).toEqual([]);
  });
});
