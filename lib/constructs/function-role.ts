import { Stack, Validations } from 'aws-cdk-lib';
import { type CfnPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface FunctionRoleProps {
  /** The function's own log group, the only one it may write to. */
  readonly logGroup: ILogGroup;
  /** Recorded as the role's description. */
  readonly description?: string;
}

/** The actions Lambda's active tracing adds; X-Ray has no resource-level permissions. */
const XRAY_ACTIONS: ReadonlySet<string> = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

/**
 * The execution role of one function, in place of the managed AWSLambdaBasicExecutionRole
 * (which lets a function write to every log group of the account): an inline statement lets it
 * create streams in and write to its own log group only. The grants of the manifest (bindings.ts)
 * are added to the same default policy.
 *
 * With tracing on, Lambda adds `xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*`
 * (X-Ray has no resource-level permissions); that finding is acknowledged for cdk-nag here, and
 * any other `*` resource in the role's policy fails synthesis instead.
 *
 * @example
 * const role = new FunctionRole(this, 'SendRole', { logGroup });
 * new NodejsFunction(this, 'Send', { role, logGroup, ... });
 */
export class FunctionRole extends Role {
  constructor(scope: Construct, id: string, props: FunctionRoleProps) {
    super(scope, id, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // `arn:…:log-group:{name}:*`: the group and its streams, which Lambda names at run time.
        resources: [props.logGroup.logGroupArn],
      }),
    );
    this.node.addValidation({ validate: () => this.acknowledgeTracing() });
  }

  /**
   * Acknowledges X-Ray's `*` once the policy is complete (tracing adds its statement after the
   * role is built); returns an error for any other `*` resource, so none slips in acknowledged.
   */
  private acknowledgeTracing(): string[] {
    const policy = this.node.tryFindChild('DefaultPolicy');
    if (!policy) return [];
    const document = Stack.of(this).resolve(
      ((policy.node.defaultChild as CfnPolicy | undefined)?.policyDocument as unknown) ?? {},
    ) as { Statement?: { Action: string | string[]; Resource: unknown }[] };
    const errors: string[] = [];
    for (const statement of document.Statement ?? []) {
      if (![statement.Resource].flat().includes('*')) continue;
      const actions = [statement.Action].flat();
      const other = actions.filter((a) => !XRAY_ACTIONS.has(a));
      if (other.length > 0) {
        errors.push(`${this.node.path}: ${other.join(', ')} on * (only X-Ray's tracing actions may have *)`);
        continue;
      }
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `Active tracing of the function of ${this.node.id}: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so the resource must be *; the statement has no other action.`,
      });
    }
    return errors;
  }
}
