import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

/**
 * Emits the SDK's `.d.ts` files with the compiler options of `tsconfigPath`
 * (`client/tsconfig.build.json`) and returns the files written. Its `rootDir` is the repository
 * root, so the declarations of every module the SDK imports keep their place beside it
 * (`dist/types/client/…`, `dist/types/protocol/…`) and their relative imports still resolve.
 *
 * The sources import each other as `./x.ts`; `rewriteRelativeImportExtensions` rewrites that in
 * JavaScript but not in declarations (microsoft/TypeScript#61037). `tsc` accepts `.ts` there,
 * other tools (IDEs, runtimes that follow `types`) look for a file that is not shipped, so the
 * specifiers are rewritten to `./x.js`, which every resolution mode maps to `./x.d.ts`.
 */
export async function emitDeclarations(tsconfigPath: string): Promise<string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    tsconfigPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(format([diagnostic]));
      },
    },
  );
  if (!config) throw new Error(`Cannot read ${tsconfigPath}`);
  if (config.errors.length > 0) throw new Error(format(config.errors));
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) throw new Error(format(diagnostics));

  const outputs: { file: string; text: string }[] = [];
  const result = program.emit(undefined, (file, text) => outputs.push({ file, text }));
  if (result.emitSkipped || result.diagnostics.length > 0) throw new Error(format(result.diagnostics));
  const bare = outputs.flatMap(({ file, text }) => packageImports(text).map((name) => `${name} (${file})`));
  if (bare.length > 0) {
    // The package has no dependencies, so a consumer could not resolve these types.
    throw new Error(`The SDK's declarations must not import packages, but they import ${bare.join(', ')}`);
  }
  for (const { file, text } of outputs) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, rewriteTsSpecifiers(text));
  }
  return outputs.map((output) => output.file);
}

/** `from './x.ts'` and `import('../y.ts')` become `.js`; package specifiers stay as they are. */
export function rewriteTsSpecifiers(declarations: string): string {
  return declarations.replace(
    /(\bfrom\s*|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g,
    (_match, prefix: string, quote: string, specifier: string) => `${prefix}${quote}${specifier}.js${quote}`,
  );
}

/** The packages (bare specifiers) a declaration file imports, e.g. `zod` for `z.infer` types; comments aside. */
export function packageImports(declarations: string): string[] {
  return ts
    .preProcessFile(declarations, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => !specifier.startsWith('.'));
}

function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  });
}
