import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const docsDir = path.join(rootDir, 'docs');

const markdownFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slugOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

const anchorsOf = (markdown: string): Set<string> =>
  new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slugOf(m[1]!.trim())));

/** Text outside fenced code blocks, where links and paths are prose. */
const proseOf = (markdown: string): string => markdown.replace(/```[\s\S]*?```/g, '');

const files = markdownFiles(docsDir).map((file) => ({
  file,
  name: path.relative(rootDir, file),
  text: readFileSync(file, 'utf8'),
}));

describe('The docs folder', () => {
  it.each(files)('links $name only to pages and headings that exist within docs/', ({ file, text }) => {
    const broken: string[] = [];
    for (const [, target] of proseOf(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [page, anchor] = target!.split('#');
      const resolved = page ? path.resolve(path.dirname(file), page) : file;
      // Pages outside docs/ (client/README.md, tools/loadtest/README.md) belong to other folders.
      if (!resolved.startsWith(docsDir)) continue;
      if (!existsSync(resolved)) {
        broken.push(target!);
        continue;
      }
      if (anchor && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });

  it.each(files)('names only source and test files that exist in $name', ({ text }) => {
    const paths = [
      ...proseOf(text).matchAll(/`((?:lambdas|local|lib|test|tools|client|bin)\/[\w./-]+\.ts)`/g),
    ];
    const missing = paths.map((m) => m[1]!).filter((p) => !existsSync(path.join(rootDir, p)));
    expect(missing).toEqual([]);
  });

  it.each(files)('points at nothing outside the repository in $name', ({ text }) => {
    expect(text).not.toMatch(/PROTOCOL\.md|APIGW-WEBSOCKET\.md|shared\//);
  });
});
