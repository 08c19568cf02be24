import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds per slow file, from a full run (test/durations.json); the rest count as quick. */
const known: Record<string, number> = JSON.parse(
  readFileSync(new URL('./durations.json', import.meta.url), 'utf8'),
);

/**
 * Starts the longest files first, so that two workers finish together rather than one waiting
 * for a long file that started last: vitest's own order, without a cache (a fresh clone, CI),
 * is by file size, which put the 5,000-socket test three quarters of the way through. With a
 * cache of this machine's runs, the longer of the two estimates counts.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const estimate = (spec: TestSpecification) => {
      const relative = path.relative(this.ctx.config.root, spec.moduleId).split(path.sep).join('/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative}`)?.duration ?? 0;
      return Math.max((known[relative] ?? 0) * 1000, cached);
    };
    const bySize = await super.sort(files);
    const order = new Map(bySize.map((spec, i) => [spec, i]));
    return [...bySize].sort((a, b) => estimate(b) - estimate(a) || (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }
}
