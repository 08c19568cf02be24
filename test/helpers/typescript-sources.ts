import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Reading the tree's TypeScript for tests about the code itself: files, declarations, imports. */

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Every `.ts` source file under `dir` (relative to the root), as sorted root-relative paths;
 * installed packages, build output (`dist/`) and declaration files are not sources.
 */
export function tsFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist')
      files.push(...tsFilesUnder(file));
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(file);
  }
  return files.sort();
}

export function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

export interface Declaration {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly exported: boolean;
  readonly topLevel: boolean;
}

/** Interfaces, type aliases, classes, enums, functions and variables declared anywhere in a file. */
export function declarationsOf(source: ts.SourceFile): Declaration[] {
  const found: Declaration[] = [];
  const visit = (node: ts.Node) => {
    const named =
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isEnumDeclaration(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isVariableDeclaration(node);
    if (named && node.name && ts.isIdentifier(node.name)) {
      const statement = ts.isVariableDeclaration(node) ? node.parent.parent : node;
      found.push({
        name: node.name.text,
        file: source.fileName,
        line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
        exported: ts.canHaveModifiers(statement)
          ? (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
          : false,
        topLevel: statement.parent === source,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every module specifier a file imports or re-exports from, with dynamic imports. */
export function importsOf(source: ts.SourceFile): string[] {
  const specifiers: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const [first] = node.arguments;
      specifiers.push(first && ts.isStringLiteralLike(first) ? first.text : '<computed>');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}
