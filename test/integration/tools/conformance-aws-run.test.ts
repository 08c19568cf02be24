import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const script = path.join(root, 'tools/conformance/aws-run.sh');

// Stand-ins for `npx` and `aws` first on PATH: each logs how it was called, and `cdk deploy`
// writes the outputs a deployed stack would have. No account, no network.
const npxStub = `#!/bin/sh
echo "npx $*" >> "$STUB_LOG"
if [ "$1 $2" = "cdk deploy" ]; then
  while [ "$#" -gt 0 ]; do [ "$1" = --outputs-file ] && file="$2"; shift; done
  printf '%s' "$STUB_OUTPUTS" > "$file"
  exit "\${STUB_DEPLOY_STATUS:-0}"
fi
if [ "$1" = vitest ]; then
  env | grep '^WAVELET_TARGET_' | sort >> "$STUB_LOG"
  exit "\${STUB_VITEST_STATUS:-0}"
fi
`;
const awsStub = `#!/bin/sh
echo "aws $*" >> "$STUB_LOG"
echo s3cret
`;

const stack = 'Wavelet-conform-t1';
const outputs = {
  [stack]: {
    WebSocketUrl: 'wss://abcdefghij.execute-api.eu-west-1.amazonaws.com/conform-t1',
    ManagementEndpoint: 'https://abcdefghij.execute-api.eu-west-1.amazonaws.com/conform-t1',
    TableName: 'Wavelet-conform-t1-Table',
    JwtSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwt-AbCdEf',
  },
};

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  /** What the stand-ins were asked to run, in order. */
  readonly calls: string[];
}

describe('tools/conformance/aws-run.sh', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wavelet-aws-run-'));
    for (const [name, body] of [
      ['npx', npxStub],
      ['aws', awsStub],
    ]) {
      await writeFile(path.join(dir, name as string), body as string);
      await chmod(path.join(dir, name as string), 0o755);
    }
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string> = {}): Promise<Outcome> => {
    const log = path.join(dir, 'calls.log');
    return new Promise((resolve) => {
      execFile(
        'bash',
        [script, ...args],
        {
          cwd: root,
          timeout: 30_000,
          env: {
            ...process.env,
            PATH: `${dir}:${process.env.PATH}`,
            STUB_LOG: log,
            STUB_OUTPUTS: JSON.stringify(outputs),
            ...env,
          },
        },
        async (error, stdout) => {
          const calls = await readFile(log, 'utf8').then(
            (text) => text.split('\n').filter(Boolean),
            () => [],
          );
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, calls });
        },
      );
    });
  };

  it('prints the deploy, the run and the destroy in order with --dry-run, runs none of them and exits 0', async () => {
    const { code, stdout, calls } = await run(['--dry-run', '--stage', 'conform-t1']);
    expect(code).toBe(0);
    expect(calls).toEqual([]);
    const commands = stdout.split('\n').filter((line) => line.startsWith('+ '));
    expect(commands).toHaveLength(4);
    expect(commands[0]).toMatch(
      /^\+ env CDK_DISABLE_CLI_TELEMETRY=true npx cdk deploy Wavelet-conform-t1 --no-notices .*-c stage=conform-t1/,
    );
    expect(commands[1]).toMatch(/^\+ aws secretsmanager get-secret-value --secret-id /);
    expect(commands[2]).toBe(
      '+ npx vitest run test/integration/emulator/conformance.test.ts test/integration/emulator/management-api.test.ts test/integration/emulator/connect.test.ts test/integration/emulator/limits.test.ts',
    );
    expect(commands[3]).toBe(
      '+ env CDK_DISABLE_CLI_TELEMETRY=true npx cdk destroy Wavelet-conform-t1 --force --no-notices -c stage=conform-t1',
    );
  });

  it("runs the rows with the stack's outputs and secret, then destroys the stack", async () => {
    const { code, calls } = await run(['--stage', 'conform-t1']);
    expect(code).toBe(0);
    expect(calls[0]).toMatch(/^npx cdk deploy Wavelet-conform-t1 /);
    expect(calls[1]).toBe(
      `aws secretsmanager get-secret-value --secret-id ${outputs[stack].JwtSecretArn} --query SecretString --output text`,
    );
    expect(calls[2]).toMatch(/^npx vitest run /);
    expect(calls.slice(3, 7)).toEqual([
      `WAVELET_TARGET_HTTP=${outputs[stack].ManagementEndpoint}`,
      'WAVELET_TARGET_JWT_SECRET=s3cret',
      `WAVELET_TARGET_TABLE=${outputs[stack].TableName}`,
      `WAVELET_TARGET_URL=${outputs[stack].WebSocketUrl}`,
    ]);
    expect(calls[7]).toBe('npx cdk destroy Wavelet-conform-t1 --force --no-notices -c stage=conform-t1');
  });

  it('destroys the stack when a row fails, and exits with the failure', async () => {
    const { code, calls } = await run(['--stage', 'conform-t1'], { STUB_VITEST_STATUS: '1' });
    expect(code).toBe(1);
    expect(calls.at(-1)).toBe('npx cdk destroy Wavelet-conform-t1 --force --no-notices -c stage=conform-t1');
  });

  it('destroys what a failed deploy left, running no rows', async () => {
    const { code, calls } = await run(['--stage', 'conform-t1'], { STUB_DEPLOY_STATUS: '1' });
    expect(code).toBe(1);
    expect(calls.map((call) => call.split(' ').slice(0, 3).join(' '))).toEqual([
      'npx cdk deploy',
      'npx cdk destroy',
    ]);
  });

  it('keeps the stack with --keep, printing how to destroy it', async () => {
    const { code, stdout, calls } = await run(['--stage', 'conform-t1', '--keep']);
    expect(code).toBe(0);
    expect(calls.some((call) => call.startsWith('npx cdk destroy'))).toBe(false);
    expect(stdout).toContain('kept Wavelet-conform-t1; destroy it with: ');
  });

  it("runs as docs/emulator.md shows it, on the files the page's manual run names", async () => {
    const docs = await readFile(path.join(root, 'docs/emulator.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Running the conformance suite against AWS'));
    const dryRun = /^tools\/conformance\/aws-run\.sh --dry-run/m.exec(section)?.[0];
    expect(dryRun).toBeDefined();
    const { code, calls } = await run(['--dry-run']);
    expect({ code, calls }).toEqual({ code: 0, calls: [] });
    const rowsOf = (text: string) =>
      [...text.matchAll(/test\/integration\/emulator\/[\w-]+\.test\.ts/g)].map((m) => m[0]);
    const manual = section.slice(
      section.indexOf('npx vitest run'),
      section.indexOf('```', section.indexOf('npx vitest run')),
    );
    expect(rowsOf(manual)).toEqual(rowsOf(await readFile(script, 'utf8')));
  });

  it('refuses an unknown option and a malformed stage before running anything', async () => {
    for (const args of [['--bogus'], ['--stage', 'no spaces'], ['--stage', 'prod']]) {
      const { code, calls } = await run(args);
      expect(code).toBe(2);
      expect(calls).toEqual([]);
    }
  });
});
