import { Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  type FunctionSpec,
  files,
  type IndexName,
  type QueueName,
  type Resource,
  readItemActions,
} from '../manifest.ts';
import type { TokenAuth } from './token-auth.ts';

/** The API Gateway Management API (`@connections`) of one stage. */
export interface ManagementApi {
  /** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}` */
  readonly managementEndpoint: string;
  /** Grants `execute-api:ManageConnections` on this stage's `@connections/*` only. */
  grantManageConnections(grantee: IGrantable): Grant;
}

/** Everything a manifest `uses` entry can point at. */
export interface BindingTargets {
  readonly table: ITable;
  readonly queues: Readonly<Record<QueueName, IQueue>>;
  readonly management: ManagementApi;
  readonly tokenAuth: TokenAuth;
  /** The event bus of `events`. */
  readonly bus: IEventBus;
  /** The files bucket (lib/constructs/files.ts). */
  readonly bucket: IBucket;
  /** The publish hook (context `publishHook`); without one, `publishHook` binds nothing. */
  readonly publishHook?: PublishHookTarget;
}

/** The publish hook's function and how long to wait for it (lambdas/core/config.ts). */
export interface PublishHookTarget {
  /** A Lambda function ARN (see {@link lambdaFunctionArn}). */
  readonly functionArn: string;
  /** `PUBLISH_HOOK_TIMEOUT_MS`. @default 500 (the function's default) */
  readonly timeoutMs?: number;
  /** `PUBLISH_HOOK_FAILURE`. @default 'closed' (the function's default) */
  readonly failure?: 'closed' | 'open';
}

const QUEUE_ENV: Readonly<Record<QueueName, string>> = {
  deliveries: 'DELIVERIES_QUEUE_URL',
  notifications: 'NOTIFICATIONS_QUEUE_URL',
  eventRetries: 'EVENT_RETRIES_QUEUE_URL',
  inboxChecks: 'INBOX_CHECKS_QUEUE_URL',
};

/** What a function may do to the table: the manifest's `items` and `indexes`. */
export type TableAccess = Pick<FunctionSpec, 'items' | 'indexes'>;

/**
 * Binds a function to what its manifest entry `uses`, `items` and `indexes` name, setting the env
 * var `lambdas/core/config.ts` reads and the matching grant together, so one is never present
 * without the other. Every grant is an explicit statement with the actions named, never a
 * `grant*Data` helper (those add every read or write action and `index/*`):
 *
 * | manifest | env | grant |
 * |---|---|---|
 * | `items: [{ actions, keys }]` | `TABLE_NAME` | `dynamodb:{actions}` on the table, `ForAllValues:StringLike` `dynamodb:LeadingKeys` `keys` |
 * | `indexes: { byUser: ['Query'] }` | `TABLE_NAME` | `dynamodb:Query` on `table/index/byUser` only |
 * | `queue:deliveries` | `DELIVERIES_QUEUE_URL` | `sqs:SendMessage` |
 * | `queue:notifications` | `NOTIFICATIONS_QUEUE_URL` | `sqs:SendMessage` |
 * | `queue:{name}:attributes` | `{NAME}_QUEUE_URL` | `sqs:GetQueueAttributes` on that queue |
 * | `events` | `EVENT_BUS_NAME` | `events:PutEvents` on the bus |
 * | `management` | `MANAGEMENT_ENDPOINT` | `execute-api:ManageConnections` on this stage's `@connections/*` |
 * | `bucket:upload` | `FILES_BUCKET` | `s3:PutObject` on `pending/*` |
 * | `bucket:attach` | `FILES_BUCKET` | `s3:GetObject` on `pending/*`, `s3:PutObject` on `files/*` (HeadObject, CopyObject) |
 * | `bucket:read` | `FILES_BUCKET` | `s3:GetObject` on `files/*` and `pending/*` (the presigned GET; an uploader's own unattached file) |
 * | `bucket:delete` | `FILES_BUCKET` | `s3:DeleteObject` on `files/*` and `pending/*` (the files of a deleted message) |
 * | `publishHook` (when the stack has one) | `PUBLISH_HOOK_FUNCTION` (and `PUBLISH_HOOK_TIMEOUT_MS`, `PUBLISH_HOOK_FAILURE` if set) | `lambda:InvokeFunction` on exactly that ARN |
 * | `jwt` | `JWT_SECRET_ARN`, or `JWKS_URL` (see {@link TokenAuth}), `JWT_ISSUER`/`JWT_AUDIENCE` if set | read the HS256 secret |
 *
 * A table or queue with a customer-managed key also gets `kms:Decrypt` (readers) and
 * `kms:GenerateDataKey` (writers) on it.
 *
 * @example
 * bindUses(fns.send, functions.send, { table, queues, management: webSocket, tokenAuth });
 */
export function bindUses(
  fn: LambdaFunction,
  spec: Pick<FunctionSpec, 'uses' | 'items' | 'indexes'>,
  targets: BindingTargets,
): void {
  const wanted = new Set<Resource>(spec.uses);
  bindTable(fn, spec, targets.table);
  for (const [name, envName] of Object.entries(QUEUE_ENV) as [QueueName, string][]) {
    const sends = wanted.has(`queue:${name}`);
    const probes = wanted.has(`queue:${name}:attributes`);
    if (!sends && !probes) continue;
    fn.addEnvironment(envName, targets.queues[name].queueUrl);
    if (sends) grantSend(fn, targets.queues[name]);
    if (probes) targets.queues[name].grant(fn, 'sqs:GetQueueAttributes');
  }
  if (wanted.has('management')) {
    fn.addEnvironment('MANAGEMENT_ENDPOINT', targets.management.managementEndpoint);
    const grant = targets.management.grantManageConnections(fn);
    acknowledgeWildcards(
      fn,
      grant,
      'Connection ids are only known at run time; the resource is this stage’s @connections/* of this API, the narrowest API Gateway allows for ManageConnections.',
    );
  }
  if (wanted.has('events')) {
    // The ARN: PutEvents takes it in EventBusName, and it also names a bus of another account.
    fn.addEnvironment('EVENT_BUS_NAME', targets.bus.eventBusArn);
    targets.bus.grantPutEventsTo(fn);
  }
  if (wanted.has('jwt')) {
    for (const [key, value] of Object.entries(targets.tokenAuth.environment)) fn.addEnvironment(key, value);
    targets.tokenAuth.secret?.grantRead(fn);
  }
  const hook = targets.publishHook;
  if (wanted.has('publishHook') && hook) {
    fn.addEnvironment('PUBLISH_HOOK_FUNCTION', hook.functionArn);
    if (hook.timeoutMs !== undefined) fn.addEnvironment('PUBLISH_HOOK_TIMEOUT_MS', String(hook.timeoutMs));
    if (hook.failure !== undefined) fn.addEnvironment('PUBLISH_HOOK_FAILURE', hook.failure);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [hook.functionArn] }),
    );
  }
  bindBucket(fn, wanted, targets.bucket);
}

/**
 * A Lambda function ARN, unqualified or with a version or alias: what context `publishHook`
 * takes (an ARN, so that the grant names exactly one function).
 */
export const lambdaFunctionArn =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;

/** The files bucket's env and object grants, by prefix (see {@link files}). */
function bindBucket(fn: LambdaFunction, wanted: ReadonlySet<Resource>, bucket: IBucket): void {
  const grants: [string, string][] = [];
  if (wanted.has('bucket:upload')) grants.push(['s3:PutObject', files.pendingPrefix]);
  if (wanted.has('bucket:attach')) {
    grants.push(['s3:GetObject', files.pendingPrefix], ['s3:PutObject', files.attachedPrefix]);
  }
  if (wanted.has('bucket:read')) {
    grants.push(['s3:GetObject', files.attachedPrefix], ['s3:GetObject', files.pendingPrefix]);
  }
  if (wanted.has('bucket:delete')) {
    grants.push(['s3:DeleteObject', files.attachedPrefix], ['s3:DeleteObject', files.pendingPrefix]);
  }
  if (grants.length === 0) return;
  fn.addEnvironment('FILES_BUCKET', bucket.bucketName);
  for (const [action, prefix] of grants) {
    const grant = Grant.addToPrincipal({
      grantee: fn,
      actions: [action],
      resourceArns: [bucket.arnForObjects(`${prefix}*`)],
    });
    acknowledgeWildcards(
      fn,
      grant,
      `${action}: file ids are only known at run time; the resource is one prefix of the files bucket.`,
    );
  }
  if (bucket.encryptionKey)
    grantKeyUse(
      fn,
      bucket.encryptionKey,
      grants.some(([a]) => a === 's3:PutObject'),
    );
}

function bindTable(fn: LambdaFunction, access: TableAccess, table: ITable): void {
  const items = access.items ?? [];
  const indexes = Object.entries(access.indexes ?? {}) as [IndexName, readonly string[]][];
  if (items.length === 0 && indexes.length === 0) return;
  fn.addEnvironment('TABLE_NAME', table.tableName);
  for (const grant of items) {
    if (grant.actions.length === 0 || grant.keys.length === 0) {
      throw new Error(`${fn.node.path}: an item grant needs actions and keys`);
    }
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: grant.actions.map((a) => `dynamodb:${a}`),
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.keys] } },
      }),
    );
  }
  for (const [index, actions] of indexes) {
    if (actions.length === 0) throw new Error(`${fn.node.path}: the grant on index ${index} has no actions`);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [`${table.tableArn}/index/${index}`],
      }),
    );
  }
  if (table.encryptionKey) {
    const writes = items.some((g) => g.actions.some((a) => !readItemActions.includes(a)));
    grantKeyUse(fn, table.encryptionKey, writes);
    // DynamoDB describes a customer-managed table key with the caller's credentials, as the
    // CDK's own table grants and AWS's key policy for DynamoDB allow.
    table.encryptionKey.grant(fn, 'kms:DescribeKey');
  }
}

/**
 * `sqs:SendMessage` (which SendMessageBatch needs too) on one queue, and its key if it has one;
 * `grantSendMessages` would add GetQueueAttributes and GetQueueUrl, which no sender calls.
 */
export function grantSend(fn: LambdaFunction, queue: IQueue): void {
  queue.grant(fn, 'sqs:SendMessage');
  if (queue.encryptionMasterKey) grantKeyUse(fn, queue.encryptionMasterKey, true);
}

/**
 * The exact KMS actions a reader (`kms:Decrypt`) or a writer (`kms:GenerateDataKey` too) of a
 * customer-managed table or queue needs; the CDK's `grantEncryptDecrypt` would add
 * `kms:ReEncrypt*` and `kms:GenerateDataKey*`, which nothing here calls.
 */
function grantKeyUse(fn: LambdaFunction, key: IKey, writes: boolean): void {
  if (writes) key.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
  else key.grant(fn, 'kms:Decrypt');
}

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 for each wildcard resource of a grant, on the
 * function's role only, by the exact finding id (`AwsSolutions-IAM5[Resource::...]`, the ARN as
 * cdk-nag writes it: `<Id>` for a reference, `<AWS::Region>` for a pseudo parameter).
 */
function acknowledgeWildcards(fn: LambdaFunction, grant: Grant, reason: string): void {
  const role = fn.role;
  if (!role) return;
  const stack = Stack.of(fn);
  for (const statement of grant.principalStatements) {
    for (const resource of statement.resources) {
      const rendered = nagText(stack.resolve(resource));
      if (!rendered.includes('*')) continue;
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${rendered}]`,
        reason: `${fn.node.id}: ${reason}`,
      });
    }
  }
}

/** An ARN as cdk-nag renders it in a finding id. */
function nagText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(nagText).join('');
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return `<${v.Ref}>`;
    if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(nagText).join(separator);
    }
  }
  return JSON.stringify(value);
}

/**
 * Lets a queue's consumer move a record to the queue's dead-letter queue itself, with the reason,
 * instead of failing it `maxReceiveCount` times first (a record that fails validation will never
 * pass): sets `{QUEUE}_DLQ_URL` (e.g. `NOTIFICATIONS_DLQ_URL`) and grants send on that queue only.
 *
 * @example
 * bindDeadLetterQueue(fns.notify, 'notifications', queues.deadLetterQueues.notifications);
 */
export function bindDeadLetterQueue(fn: LambdaFunction, queueName: QueueName, deadLetterQueue: IQueue): void {
  const snake = queueName.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
  fn.addEnvironment(`${snake}_DLQ_URL`, deadLetterQueue.queueUrl);
  grantSend(fn, deadLetterQueue);
}
