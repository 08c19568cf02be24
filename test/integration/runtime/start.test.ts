import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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
    ]) {
      expect(output).toContain(label);
    }

    const endpoints = JSON.parse(await readFile(path.join(root, '.local', 'endpoints.json'), 'utf8'));
    expect(Object.keys(endpoints)).toEqual(
      expect.arrayContaining(['websocket', 'management', 'http', 'dynamodb', 'sqs', 'queues']),
    );
    expect(Object.keys(endpoints.queues).sort()).toEqual(['deliveries', 'notifications']);
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
