import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { table } from '../../lib/manifest.ts';

/** Options of {@link createTables}. */
export interface CreateTablesOptions {
  /** The local DynamoDB endpoint (from `startDynamoDb`). */
  readonly endpoint: string;
  /** Physical name of the manifest's table. */
  readonly tableName: string;
}

/**
 * Creates the manifest's table with its GSIs (on-demand, projecting as each index says) unless it exists.
 *
 * TTL is not configured: dynalite does not implement it, and every read filters expired items
 * by the manifest's `ttlAttribute` anyway.
 */
export async function createTables(options: CreateTablesOptions): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    if ((await tableStatus(client, options.tableName)) === undefined) {
      try {
        await client.send(new CreateTableCommand(describeManifestTable(options.tableName)));
      } catch (error) {
        // Another process (a second test worker, a restarted runtime) created it first.
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }
    await waitUntilActive(client, options.tableName);
  } finally {
    client.destroy();
  }
}

/**
 * A new table is CREATING for a moment, even in dynalite with a disk store, and writes to it
 * fail with ResourceNotFoundException until it is ACTIVE.
 */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await tableStatus(client, tableName)) !== 'ACTIVE') {
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus ?? 'ACTIVE';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function describeManifestTable(tableName: string): CreateTableCommand['input'] {
  const indexes = Object.entries(table.indexes);
  const keyNames = new Set<string>([
    table.partitionKey,
    table.sortKey,
    ...indexes.flatMap(([, index]) => [index.partitionKey, index.sortKey]),
  ]);
  const attributes: AttributeDefinition[] = [...keyNames].map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes,
    KeySchema: [
      { AttributeName: table.partitionKey, KeyType: 'HASH' },
      { AttributeName: table.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(([indexName, index]) => ({
      IndexName: indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection:
        'include' in index
          ? {
              ProjectionType: 'INCLUDE',
              NonKeyAttributes: [...(index as { include: readonly string[] }).include],
            }
          : { ProjectionType: 'ALL' },
    })),
  };
}
