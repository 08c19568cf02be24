import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MessagingStack, type MessagingStackProps } from '../../lib/messaging-stack.ts';

/** The feature flags of `cdk.json`, so tests synthesize what `cdk synth` does. */
const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/** The stage every test stack uses unless a variant says otherwise. */
export const TEST_STAGE = 'dev';

export interface SynthOptions extends Partial<MessagingStackProps> {
  /**
   * Bundle every function with esbuild, as a deployment does (about ten seconds). Without it the
   * entries must still exist, but no code is built.
   * @default false
   */
  readonly bundle?: boolean;
}

/** Synthesizes a fresh, env-agnostic stack. Prefer {@link synthDefaultStack} when bundling. */
export function synthStack(options: SynthOptions = {}): Template {
  const { bundle = false, stage = TEST_STAGE, ...props } = options;
  const app = newTestApp({ bundle });
  return Template.fromStack(new MessagingStack(app, `Wavelet-${stage}`, { stage, ...props }));
}

/**
 * An app with the feature flags of `cdk.json` writing to this run's synth folder; functions are
 * not bundled unless asked. For tests that need the app itself (validation plugins).
 */
export function newTestApp(options: { bundle?: boolean } = {}): App {
  return new App({
    outdir: newOutdir(),
    context: { ...cdkContext, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
}

/** Where synth output goes: this run's folder, which `test/global-setup.ts` removes afterwards. */
const synthRoot = process.env.WAVELET_SYNTH_ROOT ?? path.join(tmpdir(), 'wavelet-synth');

function newOutdir(): string {
  mkdirSync(synthRoot, { recursive: true });
  return mkdtempSync(path.join(synthRoot, 'out-'));
}

let defaultStack: Template | undefined;

/**
 * The default `dev` stack; synthesized once per process (so once per test file). Functions are
 * not bundled here (31 esbuild runs would dominate the suite): `test/infra/bundles.test.ts`
 * builds every entry with the same options in one esbuild run.
 */
export function synthDefaultStack(): Template {
  defaultStack ??= synthStack();
  return defaultStack;
}

/** CloudFormation JSON, untyped as `Template.findResources` returns it. */
// biome-ignore lint/suspicious/noExplicitAny: template JSON has no static type
export type Json = any;

type Resources = Record<string, { Type: string; Properties?: Record<string, Json> }>;

/** A function of the template, found by the `wavelet:{name}` description its construct sets. */
export interface FoundFunction {
  readonly logicalId: string;
  readonly properties: Record<string, Json>;
}

/** Every function of the template by manifest name. */
export function functionsByName(template: Template): Map<string, FoundFunction> {
  const found = new Map<string, FoundFunction>();
  for (const [logicalId, resource] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
    const description: string = resource.Properties?.Description ?? '';
    if (description.startsWith('wavelet:')) {
      found.set(description.slice('wavelet:'.length), { logicalId, properties: resource.Properties });
    }
  }
  return found;
}

/** The statements of every policy attached to a function's role. */
export function statementsOf(template: Template, fn: FoundFunction): Record<string, Json>[] {
  const roleId: string = fn.properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources);
  return policies
    .filter((p) => p.Properties?.Roles?.some((r: { Ref?: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties?.PolicyDocument.Statement ?? []);
}

/** The actions of a statement, always as a list. */
export function actionsOf(statement: Record<string, Json>): string[] {
  return [statement.Action].flat();
}

/**
 * Renders an intrinsic as readable text: `Ref` becomes `${Id}`, `Fn::GetAtt` `${Id.Attr}`, and
 * `Fn::Join` is joined, so ARNs and URLs can be compared as strings.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(render).join(',');
  if (value && typeof value === 'object') {
    const v = value as Record<string, Json>;
    if ('Ref' in v) return '${' + v.Ref + '}';
    if ('Fn::GetAtt' in v) return '${' + v['Fn::GetAtt'].join('.') + '}';
    if ('Fn::Join' in v) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  }
  return JSON.stringify(value);
}

/** The logical id of the only resource of a type matching the properties. */
export function onlyLogicalId(template: Template, type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  if (ids.length !== 1) throw new Error(`Expected one ${type}, found ${ids.length}`);
  return ids[0]!;
}
