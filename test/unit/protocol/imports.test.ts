import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importsOf, parse, tsFilesUnder } from '../../helpers/typescript-sources.ts';

/**
 * protocol/ is shared by Lambda functions, the browser SDK, the chat page and the tools, so it
 * may depend on nothing but itself and zod: no Node built-in, no AWS package, nothing of the
 * folders that use it.
 */
const files = tsFilesUnder('protocol');
/** Node's globals, which a browser does not have. */
const nodeGlobals = new Set(['Buffer', 'process', 'require', '__dirname', '__filename', 'global']);

/** Where a specifier leads: `protocol/…` for relative ones, the package name otherwise. */
const targetOf = (file: string, specifier: string): string =>
  specifier.startsWith('.') ? path.join(path.dirname(file), specifier) : specifier;

describe('Protocol: imports', () => {
  it('reads every file of protocol/', () => {
    expect(files).toContain('protocol/client-frames.ts');
    expect(files).toContain('protocol/errors.ts');
  });

  it('imports nothing but protocol/ itself and zod', () => {
    const outside = files.flatMap((file) =>
      importsOf(parse(file))
        .map((specifier) => ({ file, specifier, target: targetOf(file, specifier) }))
        .filter(({ target }) => !target.startsWith(`protocol${path.sep}`) && !/^zod(\/|$)/.test(target))
        .map(({ file, specifier }) => `${file} imports ${specifier}`),
    );
    expect(outside).toEqual([]);
  });

  it('uses no Node global', () => {
    const used = files.flatMap((file) => {
      const source = parse(file);
      const found: string[] = [];
      const visit = (node: ts.Node) => {
        if (ts.isIdentifier(node) && nodeGlobals.has(node.text)) found.push(`${file} uses ${node.text}`);
        ts.forEachChild(node, visit);
      };
      visit(source);
      return found;
    });
    expect(used).toEqual([]);
  });
});
