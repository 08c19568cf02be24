import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { table } from '../../../lib/manifest.ts';
import {
  createTables,
  type LocalDynamoDb,
  startDynamoDb,
  startTtlSweeper,
  type TtlSweeper,
} from '../../../local/dynamodb/index.ts';
import { eventually } from '../../helpers/table.ts';

const tableName = 'ttl-sweeper-test';

describe('Function: startTtlSweeper', () => {
  let db: LocalDynamoDb;
  let client: DynamoDBClient;
  let sweeper: TtlSweeper;

  beforeAll(async () => {
    db = await startDynamoDb();
    client = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await createTables({ endpoint: db.endpoint, tableName });
  });

  afterAll(async () => {
    await sweeper?.stop();
    client.destroy();
    await db.close();
  });

  const put = (sk: string, expiresAt?: number) =>
    client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          [table.partitionKey]: { S: 'ttl' },
          [table.sortKey]: { S: sk },
          ...(expiresAt === undefined ? {} : { [table.ttlAttribute]: { N: String(expiresAt) } }),
        },
      }),
    );
  const exists = async (sk: string) =>
    (
      await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { [table.partitionKey]: { S: 'ttl' }, [table.sortKey]: { S: sk } },
        }),
      )
    ).Item !== undefined;

  it('deletes the items whose expiresAt passed and keeps the others', async () => {
    const now = Math.floor(Date.now() / 1000);
    await put('expired', now - 60);
    await put('fresh', now + 3600);
    await put('forever');
    const lines: string[] = [];
    sweeper = startTtlSweeper({
      endpoint: db.endpoint,
      tableName,
      ttlAttribute: table.ttlAttribute,
      partitionKey: table.partitionKey,
      sortKey: table.sortKey,
      intervalMs: 50,
      log: (line) => lines.push(line),
    });
    // The timer alone, with a short interval, removes it.
    expect(await eventually(async () => !(await exists('expired')))).toBe(true);
    expect(await exists('fresh')).toBe(true);
    expect(await exists('forever')).toBe(true);
    expect(lines).toContain('TTL deleted 1 expired items');
    expect(await sweeper.sweep()).toBe(0);
  });
});
