import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { usage } from '../../../tools/loadtest/options.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFile(path.join(root, file), 'utf8');

/** The first cells of the Markdown table whose header's first cell is `header`. */
function firstColumn(markdown: string, header: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^\\|\\s*${header}\\s*\\|`).test(line));
  if (start < 0) throw new Error(`no table headed "${header}"`);
  const cells: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    cells.push(line.split('|')[1]?.trim() ?? '');
  }
  return cells;
}

/** The member names of an interface in a TypeScript source file (one member per line). */
function interfaceMembers(source: string, name: string): string[] {
  const body = source.split(`export interface ${name} {`)[1]?.split('\n}')[0];
  if (body === undefined) throw new Error(`no interface ${name}`);
  return [...body.matchAll(/^ {2}(?:readonly )?(\w+)\??:/gm)].map((m) => m[1] ?? '');
}

const names = (cells: string[], pattern: RegExp) =>
  cells.flatMap((c) => [...c.matchAll(pattern)].map((m) => m[1]));
const sorted = (values: (string | undefined)[]) => [...new Set(values)].sort();

describe('README.md', () => {
  it('lists every variable of lambdas/core/config.ts in its first configuration table, and only those', async () => {
    const documented = names(firstColumn(await read('README.md'), 'variable'), /`([A-Z][A-Z0-9_]+)`/g);
    const declared = [...(await read('lambdas/core/config.ts')).matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)];
    expect(sorted(documented)).toEqual(sorted(declared.map((m) => m[1])));
  });

  it('names every variable npm start reads in its Configuration section', async () => {
    const readme = await read('README.md');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Deploy'));
    const source = (await read('local/start.ts')) + (await read('local/runtime.ts'));
    const variables = sorted([...source.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1])).filter(
      (v) => v !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', // a notice the runtime turns off
    );
    expect(variables.filter((v) => !section.includes(`\`${v}\``))).toEqual([]);
  });
});

describe('tools/loadtest/README.md', () => {
  it('documents every option of the load tester, and only those', async () => {
    const documented = names(
      firstColumn(await read('tools/loadtest/README.md'), 'option'),
      /`--([a-z0-9-]+)`/g,
    );
    const offered = [...usage.matchAll(/^ {2}--([a-z0-9-]+)/gm)].map((m) => m[1]).filter((o) => o !== 'help');
    expect(sorted(documented)).toEqual(sorted(offered));
  });
});

describe('client/README.md', () => {
  it('documents every option of WaveletClientOptions, and only those', async () => {
    const documented = names(firstColumn(await read('client/README.md'), 'option'), /`(\w+)`/g);
    const declared = interfaceMembers(await read('client/options.ts'), 'WaveletClientOptions');
    expect(sorted(documented)).toEqual(sorted(declared));
  });

  it('documents every event of WaveletEvents, and only those', async () => {
    const documented = names(firstColumn(await read('client/README.md'), 'event'), /`(\w+)`/g);
    const declared = interfaceMembers(await read('client/client.ts'), 'WaveletEvents');
    expect(sorted(documented)).toEqual(sorted(declared));
  });
});
