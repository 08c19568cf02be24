import path from 'node:path';
import type { BuildContext } from 'esbuild';

/** Options of {@link createPageBundle}. */
export interface PageBundleOptions {
  /** The page's entry module, e.g. `web/main.ts`. */
  readonly entryPoint: string;
  /** The name the script is served under, which its source map comment refers to. @default 'app.js' */
  readonly scriptName?: string;
}

/** The result of one build: the script, or esbuild's messages when it failed. */
export type PageBuild =
  | { readonly ok: true; readonly code: string; readonly map: string }
  | { readonly ok: false; readonly errors: string };

/** A page's script (the chat page's, the dashboard's), bundled with what it imports in memory. */
export interface PageBundle {
  /** Builds (incrementally after the first time), so edits to `web/` or `client/` show on reload. */
  build(): Promise<PageBuild>;
  dispose(): Promise<void>;
}

/**
 * Bundles the page's TypeScript and the SDK it imports with esbuild, in memory: no build step and
 * nothing written to disk, so parallel test runtimes never share an output folder. esbuild loads
 * on the first build, so runtimes that never serve the page pay nothing for it.
 */
export function createPageBundle(options: PageBundleOptions): PageBundle {
  let context: Promise<BuildContext> | undefined;
  let running: Promise<PageBuild> | undefined;

  const open = async () => {
    const esbuild = await import('esbuild');
    return esbuild.context({
      entryPoints: [options.entryPoint],
      absWorkingDir: path.dirname(options.entryPoint),
      bundle: true,
      write: false,
      // Never written (write: false); it names the script and its map, served as /app.js(.map).
      outfile: path.join(path.dirname(options.entryPoint), options.scriptName ?? 'app.js'),
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      sourcemap: 'linked',
      logLevel: 'silent',
    });
  };

  const run = async (): Promise<PageBuild> => {
    // A failed start (esbuild missing) is retried on the next request rather than remembered.
    context ??= open().catch((error: unknown) => {
      context = undefined;
      throw error;
    });
    try {
      const result = await (await context).rebuild();
      const code = result.outputFiles?.find((f) => f.path.endsWith('.js'));
      const map = result.outputFiles?.find((f) => f.path.endsWith('.js.map'));
      if (!code || !map) return { ok: false, errors: 'esbuild produced no output' };
      return { ok: true, code: code.text, map: map.text };
    } catch (error) {
      return { ok: false, errors: describeBuildError(error) };
    }
  };

  return {
    // Requests arriving during a build share it rather than queueing rebuilds.
    build: () => {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    dispose: async () => {
      const pending = context;
      context = undefined;
      if (pending) await (await pending.catch(() => undefined))?.dispose();
    },
  };
}

function describeBuildError(error: unknown): string {
  const errors = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] })
    .errors;
  if (!Array.isArray(errors)) return error instanceof Error ? error.message : String(error);
  return errors
    .map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
    .join('\n');
}
