import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocksUnder } from '../../helpers/markdown.ts';
import {
  type BackgroundShell,
  runShell,
  type ShellResult,
  startShell,
  stopGroup,
} from '../../helpers/shell.ts';

/**
 * The README's "Try it" runs as written. Every code block under that heading but the `text`
 * blocks (what a step prints) carries a marker on the line above it:
 * `<!-- tour: background -->` for `npm start`, which runs for the whole tour, and
 * `<!-- tour -->` for the steps, which run one after the other with `sh -e`, each in a fresh
 * shell, and must exit 0.
 *
 * The tour runs in a copy of the repository (node_modules linked), so that its `.local/`
 * endpoints file is not the developer's; `npm start` gets free ports (WS_PORT=0, HTTP_PORT=0),
 * which the steps read from that file. HOME is an empty folder and no AWS_* or JWT_SECRET
 * variable is passed on: a step that needs a region or credentials has to set them itself.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const notCopied = new Set(['.git', 'node_modules', '.local', 'cdk.out', 'coverage', '.cdk.staging']);

const readme = await readFile(path.join(root, 'README.md'), 'utf8');
const blocks = codeBlocksUnder(readme, '## Try it');
const background = blocks.filter((b) => b.marker === 'tour: background');
const steps = blocks.filter((b) => b.marker === 'tour');

/** The tour's commands besides node and npm; without one of them the test is skipped, and says so. */
const missing = ['curl', 'jq', 'aws'].filter(
  (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0,
);
if (missing.length > 0) {
  console.warn(
    `Skipping the README tour: ${missing.join(', ')} not found (the tour uses curl, jq and the AWS CLI).`,
  );
}

let work = '';
let env: NodeJS.ProcessEnv = {};
let runtime: BackgroundShell | undefined;
const results: ShellResult[] = [];

/** Each line of a step's output that is a JSON object, parsed. */
const jsonLines = (result: ShellResult): Record<string, unknown>[] =>
  result.stdout.split('\n').flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return value && typeof value === 'object' ? [value as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
const printed = (result: ShellResult) => `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;

describe.skipIf(missing.length > 0)('README: Try it', () => {
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'wavelet-tour-'));
    await cp(root, work, {
      recursive: true,
      filter: (source) => !notCopied.has(path.relative(root, source).split(path.sep)[0] ?? ''),
    });
    await symlink(await realpath(path.join(root, 'node_modules')), path.join(work, 'node_modules'), 'dir');
    const home = path.join(work, '.tour-home');
    await mkdir(home);
    env = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('AWS_') && key !== 'JWT_SECRET' && key !== 'DATA_DIR') env[key] = value;
    }
    env.HOME = home;
  }, 60_000);

  afterAll(async () => {
    if (runtime) await stopGroup(runtime, 'SIGKILL', 5000);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('marks every code block of the tour, with npm start as the one background block', () => {
    for (const block of blocks.filter((b) => b.lang !== 'text')) {
      expect(['tour', 'tour: background'], `marker above the block at README.md:${block.line}`).toContain(
        block.marker,
      );
      expect(block.lang, `language of the block at README.md:${block.line}`).toBe('sh');
    }
    expect(background).toHaveLength(1);
    expect(background[0]?.code).toMatch(/^npm start\b/m);
    expect(steps.length).toBeGreaterThanOrEqual(3);
  });

  it('starts the local runtime with the background block, on free ports', async () => {
    runtime = startShell(background[0]?.code ?? '', {
      cwd: work,
      env: { ...env, WS_PORT: '0', HTTP_PORT: '0' },
    });
    const file = path.join(work, '.local', 'endpoints.json');
    let exited = false;
    void runtime.exited.then(() => {
      exited = true;
    });
    const deadline = Date.now() + 60_000;
    let endpoints: { websocket?: string } | undefined;
    while (!endpoints && !exited && Date.now() < deadline) {
      // Not there yet, or (from a runtime that writes it in place) not whole yet: try again.
      endpoints = await readFile(file, 'utf8').then(
        (text) => {
          try {
            return JSON.parse(text);
          } catch {
            return undefined;
          }
        },
        () => undefined,
      );
      if (!endpoints) await new Promise((r) => setTimeout(r, 200));
    }
    expect(endpoints?.websocket, runtime.output()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
  }, 90_000);

  it('runs every step verbatim, each exiting 0', async () => {
    for (const step of steps) {
      const result = await runShell(step.code, { cwd: work, env, timeoutMs: 60_000 });
      results.push(result);
      expect(
        result.code,
        `the block at README.md:${step.line} exited ${result.code}\n${printed(result)}`,
      ).toBe(0);
    }
  }, 240_000);

  it('prints a ticket from POST /tickets', () => {
    const tickets = results.flatMap(jsonLines).filter((f) => typeof f.ticket === 'string');
    expect(tickets, results.map(printed).join('\n')).toHaveLength(1);
    expect(tickets[0]).toEqual({
      ticket: expect.any(String),
      expiresAt: expect.any(Number),
      credentialExpiresAt: expect.any(Number),
    });
  });

  it('prints the MessageId of the notification put on the queue', () => {
    expect(results.map((r) => r.stdout).join('\n')).toMatch(/"MessageId": "[0-9a-f-]{36}"/);
  });

  it('receives a room message frame over the socket and exits by itself', () => {
    const frames = results.flatMap(jsonLines).filter((f) => f.type === 'message');
    expect(frames, results.map(printed).join('\n')).toContainEqual(
      expect.objectContaining({ type: 'message', room: expect.any(String), seq: expect.any(Number) }),
    );
  });

  it("brings the queued notification with the client's sync", async () => {
    const index = results.findIndex((r) => jsonLines(r).some((f) => f.type === 'message'));
    const client = steps[index];
    expect(client, 'a step that receives a message').toBeDefined();
    // The notification consumer runs on its own schedule; a slow first invocation may not have
    // stored it by the time the client synced, so run the client again, as a reader would.
    let result = results[index];
    for (let attempt = 0; attempt < 3; attempt++) {
      if (result && jsonLines(result).some((f) => f.type === 'notification')) break;
      await new Promise((r) => setTimeout(r, 1000));
      result = await runShell(client?.code ?? '', { cwd: work, env, timeoutMs: 60_000 });
    }
    expect(result && jsonLines(result), result && printed(result)).toContainEqual(
      expect.objectContaining({ type: 'notification', from: expect.any(String) }),
    );
  }, 120_000);

  it('stops the runtime on Ctrl-C and leaves no process behind', async () => {
    const shell = runtime;
    expect(shell).toBeDefined();
    if (!shell) return;
    const left = await stopGroup(shell, 'SIGINT', 20_000);
    expect(left, shell.output()).toEqual([]);
    expect(shell.output()).toContain('stopping');
    runtime = undefined;
  }, 30_000);
});
