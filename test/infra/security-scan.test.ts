import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MessagingStack, type MessagingStackProps } from '../../lib/messaging-stack.ts';
import { newTestApp, TEST_STAGE } from '../helpers/synth.ts';

interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

interface Scan {
  readonly app: App;
  /** Unacknowledged findings of both packs, as `cdk synth` reports them. */
  readonly findings: readonly Finding[];
  readonly milliseconds: number;
}

/**
 * Synthesizes the stack with both cdk-nag packs registered as CDK validation plugins, exactly as
 * an app would run them, and reads the findings from the validation report the synthesis writes
 * (synthesis fails while any finding is left). No function is bundled.
 */
function scan(props: Partial<MessagingStackProps> = {}, extend?: (stack: MessagingStack) => void): Scan {
  const started = performance.now();
  const app = newTestApp();
  const stage = props.stage ?? TEST_STAGE;
  const stack = new MessagingStack(app, `Wavelet-${stage}`, { ...props, stage });
  extend?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  try {
    app.synth();
  } catch (error) {
    // The plugins' findings fail synthesis; they are read from the report below.
    if ((error as Error).name !== 'ValidationFailed') throw error;
  }
  const reportFile = path.join(app.outdir, 'validation-report.json');
  const findings: Finding[] = [];
  if (existsSync(reportFile)) {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    for (const plugin of report.pluginReports) {
      for (const violation of plugin.violations) {
        for (const construct of violation.violatingConstructs) {
          findings.push({
            rule: violation.ruleName,
            path: construct.constructPath,
            message: violation.description,
          });
        }
      }
    }
  }
  return { app, findings, milliseconds: performance.now() - started };
}

const describeFindings = (findings: readonly Finding[]): string =>
  findings.map((f) => `${f.rule} at ${f.path}: ${f.message}`).join('\n');

interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
  readonly path: string;
}

/** Every `Validations.of(x).acknowledge` of the app, with the construct it was made on. */
function acknowledgementsOf(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ id: id.replace(/^annotation::/i, ''), reason, path: construct.node.path });
      }
    }
  }
  return found;
}

const GENERIC_REASON =
  /^(not needed|not required|n\/a|none|ok|false positive|suppressed|by design|todo|accepted)\.?$/i;

// Each scan synthesizes the whole stack and walks it with both packs: about ten seconds.
describe('Security scan: cdk-nag AwsSolutions and Serverless packs', { timeout: 120_000 }, () => {
  const variants: Record<string, Partial<MessagingStackProps>> = {
    'the default stack': {},
    'prod with access logs off, tracing on and a new KMS key': {
      stage: 'prod',
      accessLogs: false,
      tracing: true,
      kmsKey: 'new',
      reservedConcurrency: { authorizer: 50, consumers: 10, sweeper: 1 },
    },
    'one function per API (handlers per-api)': { handlerLayout: 'per-api' },
  };
  const scans = new Map<string, Scan>();
  beforeAll(() => {
    for (const [name, props] of Object.entries(variants)) {
      const result = scan(props);
      scans.set(name, result);
      console.info(`cdk-nag scan of ${name}: ${Math.round(result.milliseconds)} ms`);
    }
  }, 240_000);

  for (const name of Object.keys(variants)) {
    it(`leaves no unacknowledged finding in ${name}`, () => {
      const { findings } = scans.get(name)!;
      const open = findings;
      expect(open, `Unacknowledged cdk-nag findings:\n${describeFindings(open)}`).toEqual([]);
    });

    it(`gives every acknowledgement in ${name} a reason of its own`, () => {
      const acknowledgements = acknowledgementsOf(scans.get(name)!.app);
      expect(acknowledgements.length).toBeGreaterThan(0);
      const byRuleAndReason = new Map<string, string>();
      for (const ack of acknowledgements) {
        expect(ack.reason, `${ack.id} at ${ack.path}`).not.toMatch(GENERIC_REASON);
        expect(
          ack.reason.length,
          `reason of ${ack.id} at ${ack.path}: '${ack.reason}'`,
        ).toBeGreaterThanOrEqual(60);
        // Two resources acknowledging one rule with the same words did not say why for each.
        const key = `${ack.id}\n${ack.reason}`;
        const earlier = byRuleAndReason.get(key);
        expect(earlier, `${ack.id} at ${ack.path} repeats the reason given at ${earlier}`).toBeUndefined();
        byRuleAndReason.set(key, ack.path);
      }
    });
  }

  it('reports a finding that nobody acknowledged, with its rule, resource and message', () => {
    // The scan must be able to fail: a queue added without a dead-letter queue is a finding.
    const { findings } = scan({}, (stack) => new Queue(stack, 'Unwatched', { enforceSSL: true }));
    const unwatched = findings.filter((f) => f.path.includes('/Unwatched/'));
    expect(unwatched.map((f) => f.rule)).toContain('Serverless-SQSRedrivePolicy');
    expect(unwatched.every((f) => f.message.length > 0)).toBe(true);
  });

  it('acknowledges access logging only where access logs were turned off', () => {
    const accessLogAcks = (name: string) =>
      acknowledgementsOf(scans.get(name)!.app).filter((a) => /APIG1|APIGWAccessLogging/.test(a.id));
    expect(accessLogAcks('the default stack')).toEqual([]);
    expect(accessLogAcks('prod with access logs off, tracing on and a new KMS key')).toHaveLength(4);
  });
});
