import { describe, expect, it } from 'vitest';
import { actionsOf, functionsByName, statementsOf, synthDefaultStack, synthStack } from '../helpers/synth.ts';

const hookArn = 'arn:aws:lambda:eu-west-1:123456789012:function:screen-messages';

/** Each function's `lambda:InvokeFunction` resources and its hook variables, by manifest name. */
function hookGrants(template: ReturnType<typeof synthStack>) {
  const result: Record<string, { invoke: string[]; env: Record<string, string> }> = {};
  for (const [name, fn] of functionsByName(template)) {
    const invoke = statementsOf(template, fn)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')))
      .flatMap((s) => [...actionsOf(s), ...[s.Resource].flat()]);
    const variables: Record<string, string> = fn.properties.Environment?.Variables ?? {};
    const env = Object.fromEntries(Object.entries(variables).filter(([k]) => k.startsWith('PUBLISH_HOOK')));
    if (invoke.length > 0 || Object.keys(env).length > 0) result[name] = { invoke, env };
  }
  return result;
}

describe('Stack: the publish hook', { timeout: 120_000 }, () => {
  it('grants no function lambda:InvokeFunction without context publishHook', () => {
    expect(hookGrants(synthDefaultStack())).toEqual({});
  });

  it('lets exactly send, publish and edit invoke exactly the publishHook ARN, with PUBLISH_HOOK_FUNCTION set', () => {
    const template = synthStack({ publishHook: hookArn });
    const grant = { invoke: ['lambda:InvokeFunction', hookArn], env: { PUBLISH_HOOK_FUNCTION: hookArn } };
    expect(hookGrants(template)).toEqual({ edit: grant, publish: grant, send: grant });
  });

  it('sets the timeout and the failure mode beside the function name', () => {
    const template = synthStack({
      publishHook: `${hookArn}:live`,
      publishHookTimeoutMs: 250,
      publishHookFailure: 'open',
    });
    expect(hookGrants(template).send?.env).toEqual({
      PUBLISH_HOOK_FUNCTION: `${hookArn}:live`,
      PUBLISH_HOOK_TIMEOUT_MS: '250',
      PUBLISH_HOOK_FAILURE: 'open',
    });
  });

  it('grants the one function behind the WebSocket routes with handlers=per-api', () => {
    const grants = hookGrants(synthStack({ publishHook: hookArn, handlerLayout: 'per-api' }));
    expect(Object.values(grants).map((g) => g.invoke)).toEqual([['lambda:InvokeFunction', hookArn]]);
  });

  it('fails synth on a publishHook that is not a Lambda function ARN, or a bad timeout or failure mode', () => {
    expect(() => synthStack({ publishHook: 'screen-messages' })).toThrow(
      /publishHook .* must be a Lambda function ARN/,
    );
    expect(() => synthStack({ publishHook: 'arn:aws:lambda:eu-west-1:123456789012:function:*' })).toThrow(
      /Lambda function ARN/,
    );
    expect(() => synthStack({ publishHook: hookArn, publishHookTimeoutMs: 0 })).toThrow(
      /publishHookTimeoutMs/,
    );
    expect(() =>
      synthStack({ publishHook: hookArn, publishHookFailure: 'ajar' as unknown as 'open' }),
    ).toThrow(/publishHookFailure must be closed or open/);
    expect(() => synthStack({ publishHookFailure: 'open' })).toThrow(/need publishHook/);
  });
});
