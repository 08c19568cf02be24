import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from './config.ts';

/**
 * The core's dependencies, as types only: every layer (store, delivery, services) imports them
 * from here with `import type`, and `clients.ts` builds the default ones. Nothing here runs, so
 * this module sits below every layer and no import through it can close a cycle.
 */

/** `gone`: API Gateway no longer knows the connection (410). `retryable`: ran out of retries. */
export type PostOutcome = 'ok' | 'gone' | 'retryable' | 'rejected';

/** Posts one frame to one connection (PostToConnection); never throws. */
export interface Poster {
  post(connectionId: string, frame: string): Promise<PostOutcome>;
}

/** Everything a service needs from the outside world; tests pass their own. */
export interface Deps {
  readonly config: Config;
  readonly db: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** PutEvents on the event bus (events/emit.ts). */
  readonly events: EventBridgeClient;
  /** GetConnection and DeleteConnection (rare); posts go through `posts`. */
  readonly management: ApiGatewayManagementApiClient;
  /** PostToConnection, the one call per recipient: signed and sent without the SDK's stack. */
  readonly posts: Poster;
  readonly now: () => number;
  /**
   * The files bucket's client; when absent, the files service builds one on first use
   * (s3-client.ts), so functions that never touch files do not load the S3 SDK.
   */
  readonly s3?: S3Client;
  /**
   * Invokes the publish hook; when absent, the hook service builds one on first use
   * (lambda-client.ts), so functions without a hook never load the Lambda SDK.
   */
  readonly lambda?: LambdaClient;
}

/** What table access needs: the store layer takes no more, so its tests fake no more. */
export type TableDeps = Pick<Deps, 'config' | 'db' | 'now'>;
