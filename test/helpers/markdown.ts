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

/** A fenced code block of a Markdown document. */
export interface MarkdownBlock {
  /** The fence's info string (`sh`, `ts`, ...), empty when there is none. */
  readonly lang: string;
  /** The block's text, without the fences. */
  readonly code: string;
  /** The HTML comment on the line above the opening fence, without `<!--` and `-->`. */
  readonly marker?: string;
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
}

/**
 * The fenced code blocks between a heading (a whole line, e.g. `## Try it`) and the next
 * heading of the same or a higher level. Throws when the heading is not there, so a renamed
 * section fails the test that reads it instead of running nothing.
 */
export function codeBlocksUnder(markdown: string, heading: string): MarkdownBlock[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no line "${heading}" in the document`);
  const level = heading.match(/^#+/)?.[0].length ?? 0;
  const blocks: MarkdownBlock[] = [];
  let open: { lang: string; line: number; marker?: string; body: string[] } | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (open) {
      if (/^```\s*$/.test(line)) {
        blocks.push({ lang: open.lang, code: open.body.join('\n'), marker: open.marker, line: open.line });
        open = undefined;
      } else {
        open.body.push(line);
      }
      continue;
    }
    const headingLevel = line.match(/^(#+) /)?.[1]?.length;
    if (headingLevel !== undefined && headingLevel <= level) break;
    const fence = line.match(/^```(\S*)\s*$/);
    if (fence) open = { lang: fence[1] ?? '', line: i + 1, marker: markerAbove(lines, i), body: [] };
  }
  if (open) throw new Error(`the code block at line ${open.line} is never closed`);
  return blocks;
}

function markerAbove(lines: readonly string[], fenceIndex: number): string | undefined {
  let i = fenceIndex - 1;
  while (i >= 0 && (lines[i] ?? '').trim() === '') i--;
  return (lines[i] ?? '').trim().match(/^<!--\s*(.*?)\s*-->$/)?.[1];
}
