import { App } from 'aws-cdk-lib';
import { type HandlerLayout, handlerLayouts } from '../lib/constructs/per-api.ts';
import { MessagingStack } from '../lib/messaging-stack.ts';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key) || undefined;
const stage = context('stage') ?? 'dev';
/** `-c key=true|false` (a string from the CLI, a boolean from cdk.json); anything else fails. */
const flag = (key: string): boolean | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === true || value === false) return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`Context ${key} must be true or false, not '${String(value)}'`);
};

/** `-c key=500` (a string from the CLI, a number from cdk.json); the stack checks the range. */
const number = (key: string): number | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  const parsed = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(parsed)) throw new Error(`Context ${key} must be a number, not '${String(value)}'`);
  return parsed;
};

/** `-c handlers=per-route|per-api`. */
function handlerLayout(value: string | undefined): HandlerLayout | undefined {
  if (value === undefined || (handlerLayouts as readonly string[]).includes(value)) {
    return value as HandlerLayout | undefined;
  }
  throw new Error(`Context handlers must be ${handlerLayouts.join(' or ')}, not '${value}'`);
}

new MessagingStack(app, `Wavelet-${stage}`, {
  stage,
  // Env-agnostic unless the CLI knows the account and region; nothing is looked up.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  // Who the alarm topic notifies (docs/operations.md); a malformed value fails synth.
  alarmEmail: context('alarmEmail'),
  alarmWebhookUrl: context('alarmWebhookUrl'),
  tokenAuth: {
    secretArn: context('jwtSecretArn'),
    jwksUrl: context('jwksUrl'),
    issuer: context('jwtIssuer'),
    audience: context('jwtAudience'),
  },
  // Logs, traces and encryption (docs/operations.md "Logs, traces, encryption and limits").
  accessLogs: flag('accessLogs'),
  tracing: flag('tracing'),
  kmsKey: context('kmsKey'),
  // One function per route or per API (docs/cost.md "Cold starts"); anything else fails synth.
  handlerLayout: handlerLayout(context('handlers')),
  // Put events on an existing bus instead of a new one (docs/integration.md).
  events: { eventBusArn: context('eventBusArn') },
  // A Lambda ARN that send and publish invoke before storing (docs/integration.md); a malformed one fails synth.
  publishHook: context('publishHook'),
  publishHookTimeoutMs: number('publishHookTimeoutMs'),
  publishHookFailure: context('publishHookFailure') as 'closed' | 'open' | undefined,
});
