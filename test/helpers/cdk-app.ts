import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** How a run of `bin/app.ts` ended. */
export interface AppRun {
  /** The exit code; null when a signal ended it. */
  readonly status: number | null;
  readonly stderr: string;
}

/**
 * Runs `bin/app.ts` as `cdk synth` would, with `context` as `-c` values. There is no
 * CDK_OUTDIR, so the app is built but never synthesized. Asynchronous, so that a test can run
 * several at once: each spends most of its five seconds or so loading aws-cdk-lib.
 */
export function runCdkApp(context: Record<string, unknown>): Promise<AppRun> {
  const { CDK_OUTDIR: _, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/app.ts'],
      { cwd: repoRoot, env: { ...env, CDK_CONTEXT_JSON: JSON.stringify(context) } },
      (error, _stdout, stderr) => {
        const code = error ? error.code : 0;
        resolve({ status: typeof code === 'number' ? code : null, stderr });
      },
    );
  });
}
