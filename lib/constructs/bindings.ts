import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { QueueName, Resource } from '../manifest.ts';
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
}

const QUEUE_ENV: Readonly<Record<QueueName, string>> = {
  deliveries: 'DELIVERIES_QUEUE_URL',
  notifications: 'NOTIFICATIONS_QUEUE_URL',
};

/**
 * Binds a function to what its manifest entry `uses`, setting the env var `lambdas/core/config.ts`
 * reads and the matching grant together, so one is never present without the other:
 *
 * | uses | env | grant |
 * |---|---|---|
 * | `table:read` | `TABLE_NAME` | read (table and indexes) |
 * | `table:write` | `TABLE_NAME` | write; read and write when both are used |
 * | `queue:deliveries` | `DELIVERIES_QUEUE_URL` | send |
 * | `queue:notifications` | `NOTIFICATIONS_QUEUE_URL` | send |
 * | `management` | `MANAGEMENT_ENDPOINT` | `execute-api:ManageConnections` on this stage's `@connections/*` |
 * | `jwt` | `JWT_SECRET_ARN`, or `JWKS_URL` (see {@link TokenAuth}), `JWT_ISSUER`/`JWT_AUDIENCE` if set | read the HS256 secret |
 *
 * @example
 * bindUses(fns.send, functions.send.uses, { table, queues, management: webSocket, tokenAuth });
 */
export function bindUses(fn: LambdaFunction, uses: readonly Resource[], targets: BindingTargets): void {
  const wanted = new Set(uses);
  const read = wanted.has('table:read');
  const write = wanted.has('table:write');
  if (read || write) {
    fn.addEnvironment('TABLE_NAME', targets.table.tableName);
    if (read && write) targets.table.grantReadWriteData(fn);
    else if (read) targets.table.grantReadData(fn);
    else targets.table.grantWriteData(fn);
  }
  for (const [name, envName] of Object.entries(QUEUE_ENV) as [QueueName, string][]) {
    if (!wanted.has(`queue:${name}`)) continue;
    fn.addEnvironment(envName, targets.queues[name].queueUrl);
    targets.queues[name].grantSendMessages(fn);
  }
  if (wanted.has('management')) {
    fn.addEnvironment('MANAGEMENT_ENDPOINT', targets.management.managementEndpoint);
    targets.management.grantManageConnections(fn);
  }
  if (wanted.has('jwt')) {
    for (const [key, value] of Object.entries(targets.tokenAuth.environment)) fn.addEnvironment(key, value);
    targets.tokenAuth.secret?.grantRead(fn);
  }
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
  fn.addEnvironment(`${queueName.toUpperCase()}_DLQ_URL`, deadLetterQueue.queueUrl);
  deadLetterQueue.grantSendMessages(fn);
}
