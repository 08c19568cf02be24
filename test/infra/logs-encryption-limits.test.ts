import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionGroups } from '../../lib/constructs/handlers.ts';
import { type FunctionName, type FunctionSpec, functions, schedules } from '../../lib/manifest.ts';
import {
  type FoundFunction,
  functionsByName,
  type Json,
  synthDefaultStack,
  synthStack,
} from '../helpers/synth.ts';

let template: Template;
let byName: Map<string, FoundFunction>;

beforeAll(() => {
  template = synthDefaultStack();
  byName = functionsByName(template);
}, 120_000);

const resourcesOf = (t: Template, type: string): [string, Json][] => Object.entries(t.findResources(type));

/** Every access log format of a template, whatever resource carries it. */
function accessLogFormats(t: Template): string[] {
  return resourcesOf(t, 'AWS::ApiGatewayV2::Stage')
    .map(([, stage]) => stage.Properties.AccessLogSettings?.Format)
    .filter((format): format is string => format !== undefined);
}

describe('Logs: access logs on both APIs', () => {
  it('writes access logs of both stages to log groups with a retention', () => {
    const stages = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(2);
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    for (const [id, stage] of stages) {
      const destination = stage.Properties.AccessLogSettings?.DestinationArn;
      expect(destination, id).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
      expect(logGroups[destination['Fn::GetAtt'][0]]?.Properties.RetentionInDays, id).toBe(30);
    }
  });

  it('logs JSON lines of $context variables that can carry no query string', () => {
    const formats = accessLogFormats(template);
    expect(formats).toHaveLength(2);
    for (const format of formats) {
      expect(format).not.toMatch(/querystring|\$context\.path|\$request\.|requestOverride|\$input/i);
      const fields: Record<string, string> = JSON.parse(format);
      for (const [name, value] of Object.entries(fields)) {
        expect(value, name).toMatch(/^\$context\.[A-Za-z.]+$/);
      }
      expect(fields.requestId).toBe('$context.requestId');
    }
  });

  it('writes no access log and no access log group with accessLogs false', () => {
    const off = synthStack({ accessLogs: false });
    expect(accessLogFormats(off)).toEqual([]);
    off.resourceCountIs('AWS::Logs::LogGroup', Object.keys(functions).length);
  });

  it('sets a retention on every log group', () => {
    for (const [id, group] of resourcesOf(template, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
    }
  });

  it('throttles both stages by default', () => {
    template.allResourcesProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });
});

describe('Traces: the tracing switch', () => {
  it('leaves tracing off on every function by default', () => {
    for (const [name, fn] of byName) expect(fn.properties.TracingConfig, name).toBeUndefined();
  });

  it('traces every function actively with tracing on', () => {
    const traced = functionsByName(synthStack({ tracing: true }));
    expect(traced.size).toBe(Object.keys(functions).length);
    for (const [name, fn] of traced) expect(fn.properties.TracingConfig, name).toEqual({ Mode: 'Active' });
  });
});

describe('Encryption: the kmsKey option', () => {
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

  /** Asserts the table, every queue and every log group use the key that `keyRef` points at. */
  function expectEncryptedWith(t: Template, keyRef: Json): void {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyRef },
    });
    for (const [id, queue] of resourcesOf(t, 'AWS::SQS::Queue')) {
      expect(queue.Properties.KmsMasterKeyId, id).toEqual(keyRef);
    }
    for (const [id, group] of resourcesOf(t, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.KmsKeyId, id).toEqual(keyRef);
    }
  }

  it('keeps AWS-managed encryption by default', () => {
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    for (const [id, group] of resourcesOf(template, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.KmsKeyId, id).toBeUndefined();
    }
  });

  it('creates one rotating key for the table, queues and logs with kmsKey new', () => {
    const t = synthStack({ kmsKey: 'new' });
    t.resourceCountIs('AWS::KMS::Key', 1);
    const [[keyId, key]] = resourcesOf(t, 'AWS::KMS::Key') as [[string, Json]];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expectEncryptedWith(t, { 'Fn::GetAtt': [keyId, 'Arn'] });
    const statements: Json[] = key.Properties.KeyPolicy.Statement;
    const logs = statements.find((s) => s.Sid === 'CloudWatchLogsOfThisAccount');
    expect(logs.Principal.Service).toEqual({
      'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
    });
    expect(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toBeDefined();
    // Every function that touches the table or a queue may use the key.
    const byFn = functionsByName(t);
    const policies = Object.values(t.findResources('AWS::IAM::Policy'));
    for (const [name, fn] of byFn) {
      const roleId = fn.properties.Role['Fn::GetAtt'][0];
      const actions = policies
        .filter((p) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s: Json) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] }))
        .flatMap((s: Json) => [s.Action].flat());
      const spec: FunctionSpec = functions[name as FunctionName];
      const sendsToQueue = (spec.uses as readonly string[]).some((u) => /^queue:[a-zA-Z]+$/.test(u));
      const usesTable = (spec.items ?? []).length > 0 || Object.keys(spec.indexes ?? {}).length > 0;
      if (usesTable)
        expect(actions, name).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:DescribeKey']));
      if (sendsToQueue)
        expect(actions, name).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey']));
      // Exact actions only: never the CDK's kms:GenerateDataKey* or kms:ReEncrypt*.
      expect(
        actions.filter((a: string) => a.includes('*')),
        name,
      ).toEqual([]);
    }
  });

  it('imports an existing key by its ARN and creates none', () => {
    const t = synthStack({ kmsKey: keyArn });
    t.resourceCountIs('AWS::KMS::Key', 0);
    expectEncryptedWith(t, keyArn);
  });

  it('refuses a value that is neither new nor a key ARN', () => {
    for (const bad of ['yes', 'alias/wavelet', 'arn:aws:kms:eu-west-1:123456789012:alias/wavelet']) {
      expect(() => synthStack({ kmsKey: bad }), bad).toThrow(/neither 'new' nor a KMS key ARN/);
    }
  });
});

describe('Limits: dead letters of scheduled functions, deletion protection, reserved concurrency', () => {
  it('sends failed scheduled runs and undeliverable schedule events to one dead-letter queue', () => {
    const scheduled = new Set(Object.values(schedules).map((s) => s.function as string));
    const dlqArns = new Set<string>();
    for (const name of scheduled) {
      const target = byName.get(name)?.properties.DeadLetterConfig?.TargetArn;
      expect(target, name).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
      dlqArns.add(JSON.stringify(target));
    }
    for (const [id, rule] of resourcesOf(template, 'AWS::Events::Rule')) {
      for (const target of rule.Properties.Targets) {
        expect(dlqArns.has(JSON.stringify(target.DeadLetterConfig?.Arn)), id).toBe(true);
        expect(target.RetryPolicy, id).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
      }
    }
  });

  it('protects the table from deletion in prod only, with point-in-time recovery in both', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: false,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    synthStack({ stage: 'prod' }).hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('reserves no concurrency by default', () => {
    for (const [name, fn] of byName) expect(fn.properties.ReservedConcurrentExecutions, name).toBeUndefined();
  });

  it('reserves concurrency for each function of a group, the smaller value where groups overlap', () => {
    const reservedConcurrency = {
      authorizer: 40,
      webSocketRoutes: 100,
      httpRoutes: 30,
      consumers: 10,
      sweeper: 1,
    };
    const reserved = functionsByName(synthStack({ reservedConcurrency }));
    const groups = functionGroups();
    for (const name of Object.keys(functions) as FunctionName[]) {
      const values = (Object.keys(groups) as (keyof typeof groups)[])
        .filter((group) => groups[group].has(name))
        .map((group) => reservedConcurrency[group]);
      const expected = values.length > 0 ? Math.min(...values) : undefined;
      expect(reserved.get(name)?.properties.ReservedConcurrentExecutions, name).toBe(expected);
    }
    expect(reserved.get('sweep')?.properties.ReservedConcurrentExecutions).toBe(1);
    expect(reserved.get('authorizer')?.properties.ReservedConcurrentExecutions).toBe(40);
  });

  it('refuses a reserved concurrency that is not a whole number 0 or more', () => {
    expect(() => synthStack({ reservedConcurrency: { consumers: -1 } })).toThrow(
      /whole number 0 or more, not -1/,
    );
    expect(() => synthStack({ reservedConcurrency: { sweeper: 1.5 } })).toThrow(/not 1.5/);
  });
});

describe('Template: cfn-lint W3005', () => {
  it('makes no function depend on the role it already references, only on its policies', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    for (const [name, fn] of byName) {
      const roleId = fn.properties.Role['Fn::GetAtt'][0];
      const resource = template.toJSON().Resources[fn.logicalId];
      const dependsOn: string[] = resource.DependsOn ?? [];
      expect(dependsOn, name).not.toContain(roleId);
      for (const id of dependsOn) expect(policies[id], `${name} depends on ${id}`).toBeDefined();
      // The policy must exist before the function (and its event source mapping) is created.
      const attached = Object.entries(policies).filter(([, p]) =>
        p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId),
      );
      for (const [id] of attached) expect(dependsOn, name).toContain(id);
    }
  });
});
