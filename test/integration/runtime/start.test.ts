import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localDefaults } from '../../../local/defaults.ts';
import { signToken } from '../../../tools/sign-token.ts';
import { TestSocket } from '../../helpers/socket.ts';

const root = path.resolve(import.meta.dirname, '../../..');
let child: ChildProcess | undefined;
let output = '';

afterAll(() => {
  child?.kill('SIGKILL');
});

describe('npm start', () => {
  it('prints every endpoint, writes .local/endpoints.json, serves a socket and stops on SIGINT', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      cwd: root,
      env: { ...process.env, WS_PORT: '0', HTTP_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      output += String(d);
    });
    child.stderr?.on('data', (d) => {
      output += String(d);
    });
    const deadline = Date.now() + 20_000;
    while (!output.includes('Ctrl-C stops') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    for (const label of [
      'WebSocket',
      'Management API',
      'HTTP API',
      'DynamoDB',
      'SQS',
      'notifications',
      'deliveries',
      'EventBridge',
      'events',
      'sqs receive-message',
    ]) {
      expect(output).toContain(label);
    }

    const endpoints = JSON.parse(await readFile(path.join(root, '.local', 'endpoints.json'), 'utf8'));
    expect(Object.keys(endpoints)).toEqual(
      expect.arrayContaining(['websocket', 'management', 'http', 'dynamodb', 'sqs', 'queues']),
    );
    expect(Object.keys(endpoints.queues).sort()).toEqual(['deliveries', 'events', 'notifications']);
    expect(output).toContain(endpoints.queues.events);
    expect(output).toContain(endpoints.websocket);

    const health = await fetch(`${endpoints.http}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, table: { ok: true } });

    const token = await signToken('zoe', { secret: localDefaults.jwtSecret });
    const socket = await TestSocket.open(`${endpoints.websocket}?token=${token}`);
    expect(await socket.request({ action: 'ping' })).toMatchObject({ type: 'reply' });
    await socket.close();

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 40_000);
});

/** Runs `npm start` with `env` until it exits; resolves with its exit code and output. */
function startUntilExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const started = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  started.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  started.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const timer = setTimeout(() => started.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    started.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start on a busy port', () => {
  let holder: Server | undefined;
  afterAll(() => new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve())));

  it.each([
    ['WS_PORT', 'HTTP_PORT'],
    ['HTTP_PORT', 'WS_PORT'],
  ])(
    'exits 1 with one line naming %s when its port is taken',
    async (busy, free) => {
      holder ??= await new Promise<Server>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
      });
      const { port } = holder.address() as { port: number };
      const outcome = await startUntilExit({ [busy]: String(port), [free]: '0' });
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toBe(
        `npm start: port ${port} on 127.0.0.1 is already in use (another npm start?); stop what holds it, or set ${busy} to a free port (${busy}=0 picks one)\n`,
      );
      expect(outcome.stdout).not.toContain('is up');
    },
    40_000,
  );

  it('exits 1 naming a port variable that is not a number', async () => {
    const outcome = await startUntilExit({ WS_PORT: 'eighty' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe('npm start: WS_PORT must be a whole number from 0 to 65535; got "eighty"\n');
  });
});
