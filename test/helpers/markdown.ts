import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A JSON object shown in a Markdown page. */
export type JsonObject = Record<string, unknown>;

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A page of the repository, e.g. `docs/protocol.md`. */
export const readPage = (relativePath: string): string =>
  readFileSync(path.join(rootDir, relativePath), 'utf8');

/**
 * Every value of every ```json block, in page order: the block as one JSON value, or, when it
 * does not parse as one, one value per line. Throws on a block that is neither.
 */
export function jsonExamples(markdown: string): unknown[] {
  const values: unknown[] = [];
  for (const [, body] of markdown.matchAll(/```json\n([\s\S]*?)```/g)) {
    const text = body!.trim();
    try {
      values.push(JSON.parse(text));
    } catch {
      for (const line of text.split('\n').filter((l) => l.trim())) values.push(JSON.parse(line));
    }
  }
  return values;
}

/** The examples that are JSON objects. */
export const objectExamples = (markdown: string): JsonObject[] =>
  jsonExamples(markdown).filter(
    (v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v),
  );

/** The part of a page from the heading `## {title}` to the next `## ` heading. */
export function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`no section "## ${title}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}
