import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FunctionTimeoutError, loadFunction } from '../../../local/lambda/index.ts';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('Function: loadFunction', () => {
  it('passes the event and a Lambda context to the handler', async () => {
    const fn = await loadFunction(
      'echo',
      { entry: 'test/fixtures/context-handler.ts', timeoutSeconds: 3, memoryMb: 512, uses: [] },
      { rootDir },
    );
    const first = (await fn.invoke({ hello: 'world' })) as Record<string, unknown>;
    const second = (await fn.invoke({})) as Record<string, unknown>;
    expect(first).toMatchObject({
      event: { hello: 'world' },
      functionName: 'wavelet-local-echo',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:wavelet-local-echo',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/wavelet-local-echo',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(first.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(first.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.awsRequestId).not.toBe(first.awsRequestId);
    expect(first.remaining).toBeGreaterThan(2500);
    expect(first.remaining).toBeLessThanOrEqual(3000);
  });

  it('defaults the timeout to 10 seconds and the memory to 256 MB', async () => {
    const fn = await loadFunction(
      'echo',
      { entry: 'test/fixtures/context-handler.ts', uses: [] },
      { rootDir },
    );
    const result = (await fn.invoke({})) as { remaining: number; memoryLimitInMB: string };
    expect(result.remaining).toBeGreaterThan(9000);
    expect(result.memoryLimitInMB).toBe('256');
  });

  it('rejects with Lambda’s timeout message when the handler runs too long', async () => {
    const lines: string[] = [];
    const fn = await loadFunction(
      'slow',
      { entry: 'test/fixtures/slow-handler.ts', timeoutSeconds: 10, uses: [] },
      { rootDir, timeoutSeconds: 0.2, log: (line) => lines.push(line) },
    );
    const error = await fn.invoke({ ms: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FunctionTimeoutError);
    expect((error as Error).message).toBe('Task timed out after 0.20 seconds');
    expect(lines).toEqual([expect.stringMatching(/^λ slow [0-9a-f-]{36} \d+ms timeout$/)]);
  });

  it('propagates an error thrown by the handler', async () => {
    const fn = await loadFunction('slow', { entry: 'test/fixtures/slow-handler.ts', uses: [] }, { rootDir });
    await expect(fn.invoke({ fail: 'boom' })).rejects.toThrow('boom');
  });

  it('resolves with the result of a callback-style handler', async () => {
    const lines: string[] = [];
    const fn = await loadFunction(
      'callback',
      { entry: 'test/fixtures/callback-handler.ts', uses: [] },
      { rootDir, log: (line) => lines.push(line) },
    );
    await expect(fn.invoke({ value: 'hi' })).resolves.toBe('HI');
    expect(lines[0]).toMatch(/^λ callback [0-9a-f-]{36} \d+ms ok$/);
  });

  it('fails to load an entry that exports no handler', async () => {
    await expect(
      loadFunction('none', { entry: 'test/fixtures/no-handler.ts', uses: [] }, { rootDir }),
    ).rejects.toThrow('does not export a handler function');
  });
});
