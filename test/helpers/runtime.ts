import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localDefaults } from '../../local/defaults.ts';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../local/runtime.ts';
import { signToken } from '../../tools/sign-token.ts';
import { TestSocket } from './socket.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A local runtime on free ports, with clients and shortcuts for tests. */
export interface TestRuntime extends LocalRuntime {
  readonly db: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  token(userId: string, roles?: string[]): Promise<string>;
  /** Opens an authenticated socket with a token. */
  connect(userId: string, query?: string): Promise<TestSocket>;
}

export async function startTestRuntime(options: LocalRuntimeOptions = {}): Promise<TestRuntime> {
  const runtime = await startLocalRuntime({
    wsPort: 0,
    httpPort: 0,
    ...options,
  });
  const region = localDefaults.region;
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: runtime.endpoints.dynamodb, region, credentials }),
  );
  const sqs = new SQSClient({ endpoint: runtime.endpoints.sqs, region, credentials });
  const secret = options.jwtSecret ?? localDefaults.jwtSecret;
  const token = (userId: string, roles: string[] = []) => signToken(userId, { secret, roles });
  return {
    ...runtime,
    db,
    sqs,
    token,
    connect: async (userId, query = '') =>
      TestSocket.open(`${runtime.endpoints.websocket}?token=${await token(userId)}${query}`),
    stop: async () => {
      db.destroy();
      sqs.destroy();
      await runtime.stop();
    },
  };
}
