import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * Where the stack's data is encrypted: `undefined` keeps AWS-managed encryption (the table's
 * AWS-owned key, SQS-managed SSE on the queues, the CloudWatch Logs service key); `'new'` creates
 * one customer-managed key with yearly rotation; a key ARN imports an existing key.
 */
export type KmsKeyOption = undefined | 'new' | string;

const KEY_ARN =
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/mrk-[0-9a-f]{32}$/;

/**
 * The customer-managed key of {@link KmsKeyOption}, or `undefined` for AWS-managed encryption.
 * A created key's policy lets CloudWatch Logs encrypt this account's log groups in the stack's
 * region, EventBridge send to the encrypted dead-letter queue and CloudWatch alarms publish to an
 * encrypted topic. An imported key's policy must allow the same (see docs/operations.md).
 * Throws on anything else, such as an alias ARN (grants and log groups need the key ARN). A
 * created key follows `removalPolicy` (the stage's: `prod` retains it).
 *
 * @example
 * const key = resolveEncryptionKey(this, 'Key', 'new');
 */
export function resolveEncryptionKey(
  scope: Construct,
  id: string,
  option: KmsKeyOption,
  removalPolicy: RemovalPolicy = RemovalPolicy.RETAIN,
): IKey | undefined {
  if (option === undefined) return undefined;
  if (option === 'new') {
    const key = new Key(scope, id, {
      description: `Encrypts the table, queues and logs of ${Stack.of(scope).stackName}`,
      enableKeyRotation: true,
      // DESTROY schedules the deletion (after KMS's 30-day waiting period), never deletes at once.
      removalPolicy,
    });
    allowServices(key);
    return key;
  }
  if (!KEY_ARN.test(option)) {
    throw new Error(
      `kmsKey '${option}' is neither 'new' nor a KMS key ARN (arn:aws:kms:{region}:{account}:key/{key-id}); an alias is not accepted`,
    );
  }
  return Key.fromKeyArn(scope, id, option);
}

/** The services that write encrypted data on the stack's behalf, each limited to this account. */
function allowServices(key: Key): void {
  const { region, account, partition } = Stack.of(key);
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*`,
        },
      },
    }),
  );
  for (const [sid, service] of [
    ['EventBridgeDeadLetters', 'events.amazonaws.com'],
    ['CloudWatchAlarmsToTopic', 'cloudwatch.amazonaws.com'],
  ] as const) {
    key.addToResourcePolicy(
      new PolicyStatement({
        sid,
        principals: [new ServicePrincipal(service)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
  }
}
