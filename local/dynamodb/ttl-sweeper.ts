import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';

/** Options of {@link startTtlSweeper}. */
export interface TtlSweeperOptions {
  readonly endpoint: string;
  readonly tableName: string;
  /** The TTL attribute, epoch seconds (`table.ttlAttribute` of the manifest). */
  readonly ttlAttribute: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Time between sweeps. @default 300000 (5 minutes) */
  readonly intervalMs?: number;
  /** One line per sweep that deleted something. @default silent */
  readonly log?: (line: string) => void;
}

/** A running sweeper. */
export interface TtlSweeper {
  /** Runs one sweep now; resolves with the number of items deleted. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * DynamoDB's TTL for the local table: dynalite never deletes expired items, so a long local run
 * would grow without bound. Every `intervalMs` this deletes the items whose TTL attribute is in
 * the past. AWS deletes within days of expiry and reads filter on `expiresAt` anyway, so only the
 * table's size is at stake. Each delete is conditional on the item still being expired, so an
 * item refreshed meanwhile is kept.
 */
export function startTtlSweeper(options: TtlSweeperOptions): TtlSweeper {
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let running: Promise<number> | undefined;
  const sweep = (): Promise<number> => {
    running ??= sweepOnce(client, options).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    sweep()
      .then((deleted) => {
        if (deleted > 0) options.log?.(`TTL deleted ${deleted} expired items`);
      })
      .catch((error: unknown) => options.log?.(`TTL sweep failed: ${String(error)}`));
  }, options.intervalMs ?? 300_000);
  timer.unref();
  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
      client.destroy();
    },
  };
}

async function sweepOnce(client: DynamoDBClient, options: TtlSweeperOptions): Promise<number> {
  const names = { '#ttl': options.ttlAttribute, '#pk': options.partitionKey, '#sk': options.sortKey };
  let deleted = 0;
  let startKey: Record<string, never> | undefined;
  do {
    const now = { N: String(Math.floor(Date.now() / 1000)) };
    const page = await client.send(
      new ScanCommand({
        TableName: options.tableName,
        FilterExpression: '#ttl < :now',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':now': now },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const key of page.Items ?? []) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: options.tableName,
            Key: key,
            ConditionExpression: '#ttl < :now',
            ExpressionAttributeNames: { '#ttl': options.ttlAttribute },
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        deleted += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return deleted;
}
