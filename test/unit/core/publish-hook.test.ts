import type { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambdas/core/config.ts';
import { AppError } from '../../../lambdas/core/errors.ts';
import { askPublishHook, PublishHookError } from '../../../lambdas/core/services/publish-hook.ts';

const request = { action: 'publish', from: 'amy', room: 'lobby', data: { text: 'hi' } } as const;

/** A Lambda client whose every Invoke answers `answer` (JSON text), recording the payloads. */
function fakeLambda(answer: string, functionError?: string) {
  const calls: { FunctionName?: string; payload: unknown }[] = [];
  const lambda = {
    send: async (command: { input: { FunctionName?: string; Payload?: Uint8Array } }) => {
      calls.push({
        FunctionName: command.input.FunctionName,
        payload: JSON.parse(new TextDecoder().decode(command.input.Payload)),
      });
      return { StatusCode: 200, FunctionError: functionError, Payload: new TextEncoder().encode(answer) };
    },
  } as unknown as LambdaClient;
  return { lambda, calls };
}

const deps = (lambda: LambdaClient, env: Record<string, string> = {}) => ({
  config: parseConfig({ TABLE_NAME: 't', PUBLISH_HOOK_FUNCTION: 'hook-fn', ...env }),
  lambda,
});

describe('Function: askPublishHook', () => {
  it('invokes nothing and returns data unchanged without PUBLISH_HOOK_FUNCTION', async () => {
    const { lambda, calls } = fakeLambda('{"allow":false,"reason":"no"}');
    const config = parseConfig({ TABLE_NAME: 't' });
    expect(await askPublishHook({ config, lambda }, request)).toEqual({ text: 'hi' });
    expect(calls).toEqual([]);
  });

  it('invokes the named function with the request and returns the replaced data, null included', async () => {
    const { lambda, calls } = fakeLambda('{"allow":true,"data":null}');
    expect(await askPublishHook(deps(lambda), request)).toBeNull();
    expect(calls).toEqual([{ FunctionName: 'hook-fn', payload: request }]);
  });

  it('throws REJECTED with the reason verbatim', async () => {
    const { lambda } = fakeLambda('{"allow":false,"reason":"No links here"}');
    await expect(askPublishHook(deps(lambda), request)).rejects.toEqual(
      new AppError('REJECTED', 'No links here'),
    );
  });

  it.each([
    ['a refusal without a reason', '{"allow":false}'],
    ['an empty reason', '{"allow":false,"reason":"  "}'],
    ['a reason over 500 characters', JSON.stringify({ allow: false, reason: 'x'.repeat(501) })],
    ['allow that is not a boolean', '{"allow":"yes"}'],
    ['an array', '[true]'],
    ['text that is not JSON', 'ok'],
  ])('counts %s as a failure: PublishHookError when closed, data unchanged when open', async (_, answer) => {
    const { lambda } = fakeLambda(answer);
    await expect(askPublishHook(deps(lambda), request)).rejects.toBeInstanceOf(PublishHookError);
    expect(await askPublishHook(deps(lambda, { PUBLISH_HOOK_FAILURE: 'open' }), request)).toEqual({
      text: 'hi',
    });
  });

  it('counts a function error as a failure, naming it', async () => {
    const { lambda } = fakeLambda('{"errorType":"Error","errorMessage":"boom"}', 'Unhandled');
    await expect(askPublishHook(deps(lambda), request)).rejects.toThrow(
      /the hook failed \(Unhandled\).*boom/,
    );
  });

  it('aborts the invoke after PUBLISH_HOOK_TIMEOUT_MS and counts it as a failure', async () => {
    let signal: AbortSignal | undefined;
    const lambda = {
      send: (_: unknown, options: { abortSignal: AbortSignal }) => {
        signal = options.abortSignal;
        return new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      },
    } as unknown as LambdaClient;
    await expect(askPublishHook(deps(lambda, { PUBLISH_HOOK_TIMEOUT_MS: '20' }), request)).rejects.toThrow(
      'the hook did not answer within 20 ms',
    );
    expect(signal?.aborted).toBe(true);
  });
});
