import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Each source file (relative to the root, `/`-separated) and the project files it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

const sourceFile = /\.(ts|tsx|mts)$/;

/**
 * The relative imports among the `.ts` files under `dirs` (folders that do not exist are
 * skipped): `import`, `import type`, `export … from`, side-effect imports and `import()`, as the
 * TypeScript scanner finds them (comments and strings are not mistaken for imports). Imports of
 * packages, and of files outside `dirs`, are left out.
 */
export function readImportGraph(root: string, dirs: readonly string[]): ImportGraph {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules') continue;
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (sourceFile.test(name) && !name.endsWith('.d.ts')) files.push(full);
    }
  };
  for (const dir of dirs) if (existsSync(path.join(root, dir))) walk(path.join(root, dir));
  const known = new Set(files);
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((ref) => ref.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolveImport(path.resolve(path.dirname(file), spec), known))
      .filter((target): target is string => target !== undefined);
    graph.set(relative(file), [...new Set(targets.map(relative))]);
  }
  return graph;
}

function resolveImport(base: string, known: ReadonlySet<string>): string | undefined {
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((candidate) => known.has(candidate));
}

/**
 * One cycle per group of files that import each other (a strongly connected component, found
 * with Tarjan's algorithm), each as a path that ends where it starts: `a.ts -> b.ts -> a.ts`.
 */
export function findCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) as number, index.get(next) as number));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component = new Set<string>();
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.add(member);
    } while (member !== file);
    if (component.size > 1 || (graph.get(file) ?? []).includes(file)) {
      cycles.push(shortestPath(graph, file, (f) => f === file, component) ?? [file, file]);
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return cycles;
}

/**
 * The shortest import path (at least one step) from `from` to a file that `isTarget` accepts,
 * through the files of `within` only when given, or undefined when there is none:
 * `[from, …, target]`.
 */
export function shortestPath(
  graph: ImportGraph,
  from: string,
  isTarget: (file: string) => boolean,
  within?: ReadonlySet<string>,
): string[] | undefined {
  const previous = new Map<string, string>();
  const queue = [...(graph.get(from) ?? [])].filter((next) => !within || within.has(next));
  for (const next of queue) previous.set(next, from);
  for (let i = 0; i < queue.length; i += 1) {
    const file = queue[i] as string;
    if (isTarget(file)) {
      const route = [file];
      let step = previous.get(file) as string;
      while (step !== from) {
        route.unshift(step);
        step = previous.get(step) as string;
      }
      return [from, ...route];
    }
    for (const next of graph.get(file) ?? []) {
      if (previous.has(next) || (within && !within.has(next))) continue;
      previous.set(next, file);
      queue.push(next);
    }
  }
  return undefined;
}
