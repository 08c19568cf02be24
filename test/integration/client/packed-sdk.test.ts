import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureBundle } from '../../../tools/client-package/bundle.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

/**
 * The SDK as a user gets it: `npm pack` in `client/` (its `prepack` builds `dist/`), the tarball
 * and `ws` installed into a plain Node project in a temporary folder with no network, then a
 * script run with plain `node` and a consumer type-checked against the published declarations.
 */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
const packageName = '@wavelet/client';

let rt: TestRuntime;
let work: string;
let project: string;
let packedFiles: string[];

/**
 * The environment of the child processes: no loader (`NODE_OPTIONS`), none of the settings npm
 * passes to the scripts it runs (this file may run under `npm test`), and a cache of our own.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key !== 'NODE_OPTIONS' && !/^npm_/i.test(key)),
  );
  return { ...env, npm_config_cache: path.join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
}

/** Packs `client/`, building it first, and returns the tarball's path and the files it holds. */
async function packClient(): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: path.join(root, 'client'),
    env: childEnv(),
  });
  // The build's summary line (prepack) comes first on stdout; the JSON report follows it.
  const report = JSON.parse(stdout.slice(stdout.search(/^\[$/m))) as {
    filename: string;
    files: { path: string }[];
  }[];
  const packed = report[0]!;
  return { tarball: path.join(work, packed.filename), files: packed.files.map((f) => f.path) };
}

/**
 * A project with the tarball and `ws` installed, offline: the SDK has no dependencies and `ws`
 * none that are not optional peers, so npm needs nothing from a registry. `ws` is a copy of the
 * repository's, so npm links a folder inside the temporary one and never writes to node_modules.
 */
async function createProject(tarball: string): Promise<string> {
  const dir = path.join(work, 'app');
  await mkdir(dir);
  await cp(path.join(root, 'node_modules/ws'), path.join(work, 'ws'), { recursive: true });
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'packed-sdk-app', private: true, type: 'module', engines: { node: '>=20' } }),
  );
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball, '../ws'], {
    cwd: dir,
    env: childEnv(),
  });
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'wavelet-packed-sdk-'));
  rt = await startTestRuntime();
  const packed = await packClient();
  packedFiles = packed.files;
  project = await createProject(packed.tarball);
}, 90_000);

afterAll(async () => {
  await rt?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('Package: @wavelet/client', () => {
  it('packs the ES module and its declarations, and no TypeScript source', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(['package.json', 'dist/index.js', 'dist/types/client/index.d.ts']),
    );
    expect(packedFiles.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    const outside = packedFiles.filter((file) => !file.startsWith('dist/'));
    expect(outside.filter((file) => file !== 'package.json' && file !== 'README.md')).toEqual([]);
  });

  it('delivers a direct message from alice to bob in a script run by plain node', async () => {
    const script = path.join(project, 'send-receive.mjs');
    await cp(path.join(root, 'test/fixtures/packed-sdk/send-receive.mjs'), script);
    const { stdout } = await run(process.execPath, [script], {
      cwd: project,
      timeout: 20_000,
      env: {
        ...childEnv(),
        WAVELET_URL: rt.endpoints.websocket,
        ALICE_TOKEN: await rt.token('packed-alice'),
        BOB_TOKEN: await rt.token('packed-bob'),
      },
    });
    expect(JSON.parse(stdout.trim())).toEqual({
      from: 'packed-alice',
      to: 'packed-bob',
      data: { text: 'hello from the packed SDK' },
    });
  });

  it('type-checks a strict nodenext consumer against the published declarations, with and without DOM', async () => {
    await writeFile(
      path.join(project, 'consumer.ts'),
      [
        `import { WaveletClient, WaveletError, backoffDelay } from '${packageName}';`,
        `import type { MessageFrame, SendResult, WaveletClientOptions, WebSocketConstructor } from '${packageName}';`,
        `declare const WebSocket: WebSocketConstructor;`,
        `const options: WaveletClientOptions = { url: 'ws://127.0.0.1:8080', token: 't', WebSocket };`,
        `const client = new WaveletClient(options);`,
        `client.on('message', (m: MessageFrame) => m.from.toUpperCase());`,
        `client.on('error', (e: WaveletError) => e.code);`,
        `export const sent: Promise<SendResult> = client.send('bob', { text: 'hi' });`,
        `export const delay: number = backoffDelay(1, { initialDelayMs: 10 });`,
        `// @ts-expect-error: the published types still reject an unknown event`,
        `client.on('no-such-event', () => {});`,
      ].join('\n'),
    );
    const check = (...flags: string[]) =>
      run(process.execPath, [tsc, '--module', 'nodenext', '--strict', '--noEmit', ...flags, 'consumer.ts'], {
        cwd: project,
        env: childEnv(),
      });
    // Browsers' projects have DOM; a Node project may have only ES2022 and no @types at all.
    await expect(check()).resolves.toMatchObject({ stdout: '' });
    await expect(check('--lib', 'es2022')).resolves.toMatchObject({ stdout: '' });
  });

  it('publishes declarations whose relative imports name .js files, as every resolver expects', async () => {
    const types = packedFiles.filter((file) => file.endsWith('.d.ts'));
    const texts = await Promise.all(
      types.map((file) => readFile(path.join(project, 'node_modules', packageName, file), 'utf8')),
    );
    expect(texts.filter((text) => /from\s*['"]\.{1,2}\/[^'"]*\.ts['"]/.test(text))).toEqual([]);
  });

  // 28.4 KB today: the room message lists and the edit, delete, react and reply methods took
  // about 1.9 KB (26.5 KB before them).
  it('ships a module under 29 KB once minified', async () => {
    const code = await readFile(path.join(project, 'node_modules', packageName, 'dist/index.js'), 'utf8');
    expect(code).not.toMatch(/\bfrom\s*['"]|\bimport\s*\(|\brequire\s*\(/);
    expect((await measureBundle(code)).minifiedBytes).toBeLessThan(29_000);
  });
});
