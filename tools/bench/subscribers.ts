import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../../lambdas/core/delivery/concurrency.ts';
import { keys } from '../../lambdas/core/store/keys.ts';

/** A connection as the table holds it: what a subscription item needs. */
export interface SeededConnection {
  readonly connectionId: string;
  readonly userId: string;
}

/**
 * The connection records of the table (a Scan: benchmarks and tests only, to learn the ids the
 * gateway gave to sockets opened elsewhere).
 */
export async function listConnections(
  db: DynamoDBDocumentClient,
  tableName: string,
): Promise<SeededConnection[]> {
  const found: SeededConnection[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#type = :connection',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':connection': 'connection' },
        ProjectionExpression: 'connectionId, userId',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? [])
      found.push({ connectionId: item.connectionId as string, userId: item.userId as string });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}

/**
 * Writes subscription items for `connections` to `roomId`, shaped as `join` writes them
 * (store/subscriptions.ts), 25 to a BatchWrite, a few writes in flight. Seeding stands in for
 * thousands of `join` frames, whose cost is not what a fan-out benchmark measures.
 */
export async function seedSubscriptions(
  db: DynamoDBDocumentClient,
  tableName: string,
  roomId: string,
  connections: readonly SeededConnection[],
): Promise<void> {
  const now = Date.now();
  const batches: SeededConnection[][] = [];
  for (let i = 0; i < connections.length; i += 25) batches.push(connections.slice(i, i + 25));
  await mapWithConcurrency(batches, 8, async (batch) => {
    let requests: Record<string, unknown>[] | undefined = batch.map((c) => ({
      PutRequest: {
        Item: {
          ...keys.subscription(roomId, c.connectionId),
          type: 'subscription',
          roomId,
          connectionId: c.connectionId,
          userId: c.userId,
          subscribedAt: now,
          expiresAt: Math.floor(now / 1000) + 3600,
        },
      },
    }));
    for (let round = 0; requests?.length && round < 5; round += 1) {
      const { UnprocessedItems } = await db.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }),
      );
      requests = UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
    }
    if (requests?.length) throw new Error(`${requests.length} subscription(s) not written`);
  });
}
