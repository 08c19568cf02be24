import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDefaults } from '../../../local/defaults.ts';
import { remoteTargetSettings } from '../../helpers/conformance-target.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

const root = path.resolve(import.meta.dirname, '../../..');
// Taken before the runtime starts: it points this process's SDK variables at itself.
const parentEnv = { ...process.env };

interface JsonReport {
  testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
}

/** Runs vitest on `files` in a child process with `env`; resolves with its JSON report. */
async function runRows(
  files: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; report: JsonReport }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wavelet-conformance-'));
  const outputFile = path.join(dir, 'report.json');
  try {
    const child = spawn('npx', ['vitest', 'run', ...files, '--reporter=json', `--outputFile=${outputFile}`], {
      cwd: root,
      env,
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { code, report: JSON.parse(await readFile(outputFile, 'utf8')) as JsonReport };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('The conformance target', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime();
  });
  afterAll(() => rt?.stop());

  it('runs the rows against the stage WAVELET_TARGET_URL names, skipping the local-only ones', async () => {
    const postsBefore = rt.gateway.stats().posts ?? 0;
    const { code, report } = await runRows(
      ['test/integration/emulator/conformance.test.ts', 'test/integration/emulator/management-api.test.ts'],
      {
        ...parentEnv,
        // This runtime, addressed as a deployed stage would be.
        WAVELET_TARGET_URL: `${rt.endpoints.websocket}/${rt.gateway.stage}`,
        WAVELET_TARGET_HTTP: rt.endpoints.management,
        WAVELET_TARGET_JWT_SECRET: localDefaults.jwtSecret,
        WAVELET_TARGET_TABLE: rt.endpoints.tableName,
        AWS_ENDPOINT_URL_DYNAMODB: rt.endpoints.dynamodb,
        AWS_REGION: localDefaults.region,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    );
    const rows = report.testResults.flatMap((file) => file.assertionResults);
    const localOnly = rows.filter((row) =>
      row.ancestorTitles.some((title) => title.includes('(local only: ')),
    );
    const targeted = rows.filter((row) => !localOnly.includes(row));
    expect(code).toBe(0);
    expect(localOnly.length).toBeGreaterThan(0);
    expect(localOnly.filter((row) => row.status !== 'skipped' && row.status !== 'pending')).toEqual([]);
    expect(targeted.length).toBeGreaterThanOrEqual(8);
    expect(targeted.filter((row) => row.status !== 'passed')).toEqual([]);
    // The posts reached this runtime: the child started none of its own. Each targeted row posts
    // once, except the DELETE row (no post) and the 413 rows (counted, refused).
    expect((rt.gateway.stats().posts ?? 0) - postsBefore).toBeGreaterThanOrEqual(6);
  }, 120_000);
});

describe('Function: remoteTargetSettings', () => {
  const complete = {
    WAVELET_TARGET_URL: 'wss://abcdefghij.execute-api.eu-west-1.amazonaws.com/conform-1',
    WAVELET_TARGET_HTTP: 'https://abcdefghij.execute-api.eu-west-1.amazonaws.com/conform-1',
    WAVELET_TARGET_JWT_SECRET: 'secret',
    WAVELET_TARGET_TABLE: 'Wavelet-conform-1-table',
  };

  it('is undefined without WAVELET_TARGET_URL, so the rows start a local runtime', () => {
    expect(remoteTargetSettings({})).toBeUndefined();
  });

  it('takes the region from the URL when AWS_REGION is not set', () => {
    expect(remoteTargetSettings(complete)).toMatchObject({
      region: 'eu-west-1',
      tableName: 'Wavelet-conform-1-table',
    });
  });

  it('refuses a partial setting, naming what is missing', () => {
    expect(() => remoteTargetSettings({ WAVELET_TARGET_URL: complete.WAVELET_TARGET_URL })).toThrow(
      'WAVELET_TARGET_URL is set but not WAVELET_TARGET_HTTP, WAVELET_TARGET_JWT_SECRET, WAVELET_TARGET_TABLE',
    );
  });

  it('refuses a URL without the stage', () => {
    expect(() =>
      remoteTargetSettings({
        ...complete,
        WAVELET_TARGET_URL: 'wss://abcdefghij.execute-api.eu-west-1.amazonaws.com',
      }),
    ).toThrow(/must be ws\(s\):\/\/\{host\}\/\{stage\}/);
  });
});
