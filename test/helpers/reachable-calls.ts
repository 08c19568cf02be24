import path from 'node:path';
import ts from 'typescript';
import { root } from './typescript-sources.ts';

/**
 * What a handler's code can call, found by following references from its entry file through
 * the code of `lambdas/` (functions, methods, object properties), without running it: the AWS
 * SDK commands it constructs (with a constant `IndexName`), the `keys.*` builders of
 * `lambdas/core/store/keys.ts` it reaches, and the resource variables it names
 * (`TABLE_NAME`, `DELIVERIES_QUEUE_URL`, ...). A function reached only through an interface (a
 * fake in tests) is not followed; every store and service function is a plain module function,
 * so the DynamoDB, SQS and management calls are all found.
 */
export interface ReachableCalls {
  /** `Get`, `Put`, `Query`, ... (the class name without `Command`), sorted. */
  readonly commands: readonly string[];
  /** Every `IndexName` in reached code (`?` where it is not a constant), sorted. */
  readonly indexes: readonly string[];
  /** Where the reached queries read: `table`, an index name, `?` (not a constant), sorted. */
  readonly queries: readonly string[];
  /** The `opaqueFiles` reached, sorted. */
  readonly reachedOpaque: readonly string[];
  /** Which clients of `Deps` (`db`, `sqs`, `management`, `posts`) reached code uses, sorted. */
  readonly clients: readonly string[];
  /** Names of the `keys` builders reached (`connection`, `ticket`, ...), sorted. */
  readonly keyBuilders: readonly string[];
  /** Resource variables named in reached code, sorted. */
  readonly variables: readonly string[];
}

const DEPS_CLIENTS = new Set(['db', 'sqs', 'management', 'posts']);
const RESOURCE_VARIABLE = /^[A-Z][A-Z0-9_]*_(URL|ARN|NAME|ENDPOINT)$/;

/**
 * One program over every entry. `opaqueFiles` are not entered (their calls are granted apart,
 * like the rate limits); whether a handler reaches them shows in `reachedFiles`.
 */
export function reachableCallsOf(
  entries: readonly string[],
  options: { readonly opaqueFiles?: readonly string[] } = {},
): Map<string, ReachableCalls> {
  const files = entries.map((e) => path.join(root, e));
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    noLib: true,
    types: [],
  };
  // Installed packages are read as empty files: an SDK command is recognised by its import, and
  // parsing the SDK's declarations would take most of the time.
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name.includes('node_modules')
      ? ts.createSourceFile(name, '', language)
      : getSourceFile(name, language, ...rest);
  const program = ts.createProgram(files, compilerOptions, host);
  const checker = program.getTypeChecker();
  const opaque = new Set((options.opaqueFiles ?? []).map((f) => path.join(root, f)));
  const ours = (file: string) => {
    const rel = path.relative(root, file);
    return (
      !opaque.has(file) &&
      !rel.startsWith('..') &&
      !rel.includes('node_modules') &&
      /^(lambdas|protocol)\//.test(rel)
    );
  };
  const keysFile = path.join(root, 'lambdas/core/store/keys.ts');
  const depsFile = path.join(root, 'lambdas/core/deps.ts');
  // Where every variable is parsed or every client built: naming one there is not using it.
  const configFiles = new Set(
    ['lambdas/core/config.ts', 'lambdas/core/clients.ts'].map((f) => path.join(root, f)),
  );

  const result = new Map<string, ReachableCalls>();
  for (const entry of entries) {
    const source = program.getSourceFile(path.join(root, entry));
    if (!source) throw new Error(`${entry} is not in the program`);
    const seen = new Set<ts.Node>();
    const queue: ts.Node[] = [source];
    const commands = new Set<string>();
    const indexes = new Set<string>();
    const clients = new Set<string>();
    const queries = new Set<string>();
    const reachedFiles = new Set<string>();
    const keyBuilders = new Set<string>();
    const variables = new Set<string>();

    const follow = (identifier: ts.Node) => {
      let symbol = checker.getSymbolAtLocation(identifier);
      if (!symbol) return;
      if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      for (const declaration of symbol.declarations ?? []) {
        const file = declaration.getSourceFile().fileName;
        if (opaque.has(file)) reachedFiles.add(path.relative(root, file));
        if (!ours(file) || seen.has(declaration)) continue;
        // An object of builders (`keys`) is followed property by property, not as a whole.
        if (
          ts.isVariableDeclaration(declaration) &&
          declaration.initializer &&
          isObjectLiteral(declaration.initializer)
        )
          continue;
        if (file === keysFile && isKeysProperty(declaration)) keyBuilders.add(declaration.name.getText());
        // Modules are entered through what they export; their other top-level code is followed
        // only when referenced.
        if (ts.isSourceFile(declaration)) continue;
        queue.push(declaration);
      }
    };

    const visit = (node: ts.Node) => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
        const name = node.expression.text;
        if (name.endsWith('Command') && isSdkImport(checker.getSymbolAtLocation(node.expression))) {
          const command = name.slice(0, -'Command'.length);
          commands.add(command);
        }
      }
      // A query's key condition tells where it reads: the table, or the index it names.
      if (ts.isObjectLiteralExpression(node)) {
        const names = node.properties.map((p) => p.name?.getText());
        if (names.includes('KeyConditionExpression')) {
          const index = node.properties.find((p) => p.name?.getText() === 'IndexName');
          queries.add(
            !index
              ? 'table'
              : ts.isPropertyAssignment(index)
                ? (constantOf(checker, index.initializer) ?? '?')
                : '?',
          );
        }
      }
      // Queries are often built apart from their command (`queryAll(deps, { IndexName, ... })`).
      if (ts.isPropertyAssignment(node) && node.name.getText() === 'IndexName') {
        indexes.add(constantOf(checker, node.initializer) ?? '?');
      }
      if (ts.isShorthandPropertyAssignment(node) && node.name.text === 'IndexName') indexes.add('?');
      if (ts.isPropertyAccessExpression(node) && DEPS_CLIENTS.has(node.name.text)) {
        const declaration = checker.getSymbolAtLocation(node.name)?.declarations?.[0];
        if (declaration && declaration.getSourceFile().fileName === depsFile) clients.add(node.name.text);
      }
      if (!configFiles.has(node.getSourceFile().fileName)) {
        if (ts.isStringLiteral(node) && RESOURCE_VARIABLE.test(node.text)) variables.add(node.text);
        if (ts.isPropertyAccessExpression(node) && RESOURCE_VARIABLE.test(node.name.text)) {
          variables.add(node.name.text);
        }
      }
      if (ts.isIdentifier(node)) follow(node);
      ts.forEachChild(node, visit);
    };

    while (queue.length > 0) {
      const node = queue.pop() as ts.Node;
      if (seen.has(node)) continue;
      seen.add(node);
      visit(node);
    }
    result.set(entry, {
      commands: [...commands].sort(),
      indexes: [...indexes].sort(),
      clients: [...clients].sort(),
      queries: [...queries].sort(),
      reachedOpaque: [...reachedFiles].sort(),
      keyBuilders: [...keyBuilders].sort(),
      variables: [...variables].sort(),
    });
  }
  return result;
}

/** A symbol imported from an `@aws-sdk/*` package. */
function isSdkImport(symbol: ts.Symbol | undefined): boolean {
  const declaration = symbol?.declarations?.[0];
  if (!declaration || !ts.isImportSpecifier(declaration)) return false;
  const specifier = declaration.parent.parent.parent.moduleSpecifier;
  return ts.isStringLiteral(specifier) && specifier.text.startsWith('@aws-sdk/');
}

/** A builder of the exported `keys` object itself (not a property of the keys it returns). */
function isKeysProperty(declaration: ts.Declaration): declaration is ts.PropertyAssignment {
  if (!ts.isPropertyAssignment(declaration)) return false;
  let object: ts.Node = declaration.parent;
  while (ts.isAsExpression(object.parent) || ts.isSatisfiesExpression(object.parent)) object = object.parent;
  return ts.isVariableDeclaration(object.parent) && object.parent.name.getText() === 'keys';
}

function isObjectLiteral(node: ts.Expression): boolean {
  let inner = node;
  while (ts.isAsExpression(inner) || ts.isSatisfiesExpression(inner) || ts.isParenthesizedExpression(inner)) {
    inner = inner.expression;
  }
  return ts.isObjectLiteralExpression(inner);
}

/** The string a constant expression always has, if the checker knows it. */
function constantOf(checker: ts.TypeChecker, expression: ts.Expression): string | undefined {
  const type = checker.getTypeAtLocation(expression);
  if (type.isStringLiteral()) return type.value;
  if (type.isUnion() && type.types.every((t) => t.isStringLiteral())) {
    return type.types
      .map((t) => (t as ts.StringLiteralType).value)
      .sort()
      .join('|');
  }
  return undefined;
}
