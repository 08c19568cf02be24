import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// `npm run` puts node_modules/.bin on the PATH and runs this binary; `npx` would add its own
// package lookup (about 0.3 s) to every run.
const tsx = path.join(root, 'node_modules/.bin/tsx');

/** Runs a tool as `npm run` does (`tsx <file> ...args`) and resolves with how it ended. */
function run(file: string, args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(tsx, [file, ...args], { cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

const tools = [
  { name: 'token', file: 'tools/token.ts' },
  { name: 'bench', file: 'tools/bench/run.ts' },
  { name: 'cost', file: 'tools/cost/main.ts' },
  { name: 'loadtest', file: 'tools/loadtest/main.ts' },
] as const;

/** One line on stderr, naming the tool and pointing at --help, with no stack trace. */
function expectUsageError(outcome: Outcome, name: string, problem: string): void {
  expect(outcome.code).toBe(2);
  expect(outcome.stdout).toBe('');
  expect(outcome.stderr).toBe(`${name}: ${problem} (npm run ${name} -- --help for usage)\n`);
}

// Each test only waits on its own child process, so they run side by side.
describe.concurrent.each(tools)('Tool: npm run $name', ({ name, file }) => {
  it('prints its usage on stdout and exits 0 for --help', async () => {
    const outcome = await run(file, ['--help']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout.startsWith(`npm run ${name} --`)).toBe(true);
    expect(outcome.stdout).toContain('-h, --help');
    expect(outcome.stderr).toBe('');
  });

  it('rejects an unknown option with one line on stderr and exit code 2', async () => {
    expectUsageError(await run(file, ['--no-such-option']), name, 'unknown option --no-such-option');
  });
});

describe.concurrent('Tool: npm run bench', () => {
  it('rejects an unknown group, naming the groups, before running any', async () => {
    expectUsageError(
      await run('tools/bench/run.ts', ['ping', 'pong']),
      'bench',
      'unknown group pong; the groups are ping, direct, frames, delivery, calls, bundles, init, fanout',
    );
  });

  it('lists every group in its usage', async () => {
    const { stdout } = await run('tools/bench/run.ts', ['-h']);
    for (const group of ['ping', 'direct', 'delivery', 'calls', 'bundles', 'init', 'fanout']) {
      expect(stdout).toMatch(new RegExp(`^  ${group} `, 'm'));
    }
  });
});

describe.concurrent('Tool: npm run token', () => {
  it('prints a token for one user id', async () => {
    const outcome = await run('tools/token.ts', ['alice', '--admin', '--ttl', '60']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it('rejects a missing user id and a bad --ttl', async () => {
    expectUsageError(await run('tools/token.ts', []), 'token', 'a user id is needed');
    expectUsageError(
      await run('tools/token.ts', ['alice', '--ttl', 'soon']),
      'token',
      '--ttl must be a whole number of 1 or more, not "soon"',
    );
  });
});

describe.concurrent('Tool: npm run loadtest', () => {
  it('rejects a bad option value with one line', async () => {
    expectUsageError(
      await run('tools/loadtest/main.ts', ['--connections', '0']),
      'loadtest',
      '--connections must be a positive number, not 0',
    );
  });
});

describe.concurrent('Tool: npm run cost', () => {
  it('rejects an unknown command, naming the commands, before measuring anything', async () => {
    expectUsageError(
      await run('tools/cost/main.ts', ['forecast']),
      'cost',
      'unknown command forecast; the commands are scale, proposals and latency',
    );
  });

  it('names the scale, proposals and latency commands in its usage', async () => {
    const { stdout } = await run('tools/cost/main.ts', ['--help']);
    expect(stdout).toMatch(/^ {2}scale /m);
    expect(stdout).toMatch(/^ {2}proposals /m);
    expect(stdout).toContain('npm run cost -- latency');
  });
});
