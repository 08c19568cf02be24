import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTables,
  type LocalDynamoDb,
  startDynamoDb,
  startDynamoDbProcess,
} from '../../../local/dynamodb/index.ts';

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
const tableName = 'wavelet-test';

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
}

describe('Service: local DynamoDB', () => {
  let db: LocalDynamoDb;
  let client: DynamoDBClient;

  beforeAll(async () => {
    db = await startDynamoDb();
    client = clientFor(db.endpoint);
    await createTables({ endpoint: db.endpoint, tableName });
  });

  afterAll(async () => {
    client.destroy();
    await db.close();
  });

  it('creates the manifest table with its byUser index, active at once', async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const index = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === 'byUser');
    expect(index?.Projection?.ProjectionType).toBe('ALL');
    expect(index?.KeySchema?.map((k) => k.AttributeName)).toEqual(['gsi1pk', 'gsi1sk']);
  });

  it('leaves an existing table alone when called again', async () => {
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'keep' }, sk: { S: 'me' } } }),
    );
    await createTables({ endpoint: db.endpoint, tableName });
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'keep' }, sk: { S: 'me' } } }),
    );
    expect(Item?.pk?.S).toBe('keep');
  });

  it('answers queries on the byUser index', async () => {
    for (const id of ['c1', 'c2']) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: `CONN#${id}` },
            sk: { S: 'META' },
            gsi1pk: { S: 'USER#ada' },
            gsi1sk: { S: `CONN#${id}` },
          },
        }),
      );
    }
    const { Items } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'byUser',
        KeyConditionExpression: 'gsi1pk = :u',
        ExpressionAttributeValues: { ':u': { S: 'USER#ada' } },
      }),
    );
    expect(Items?.map((item) => item.pk?.S)).toEqual(['CONN#c1', 'CONN#c2']);
  });

  it('fails a conditional write with ConditionalCheckFailedException', async () => {
    const put = new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: 'ROOM#r1' }, sk: { S: 'META' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    await client.send(put);
    await expect(client.send(put)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});

describe.each([
  { where: 'in this process', start: startDynamoDb },
  { where: 'in a child process', start: startDynamoDbProcess },
])('Service: local DynamoDB with a data folder, $where', ({ start }) => {
  it('keeps items across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'wavelet-dynamo-'));
    try {
      const first = await start({ dataDir });
      await createTables({ endpoint: first.endpoint, tableName });
      const writer = clientFor(first.endpoint);
      await writer.send(
        new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'p' }, sk: { S: 's' } } }),
      );
      writer.destroy();
      await first.close();

      const second = await start({ dataDir });
      const reader = clientFor(second.endpoint);
      const { Item } = await reader.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'p' }, sk: { S: 's' } } }),
      );
      reader.destroy();
      await second.close();
      expect(Item?.sk?.S).toBe('s');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('Function: startDynamoDbProcess', () => {
  it('runs the table in another process, which has exited once closed', async () => {
    const db = await startDynamoDbProcess();
    expect(db.pid).not.toBe(process.pid);
    await createTables({ endpoint: db.endpoint, tableName });
    expect(() => process.kill(db.pid, 0)).not.toThrow();
    await db.close();
    expect(() => process.kill(db.pid, 0)).toThrow();
  });

  it("rejects with the child's reason when it cannot start", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      await expect(startDynamoDbProcess({ port })).rejects.toThrow(
        /the local DynamoDB did not start: listen EADDRINUSE/,
      );
    } finally {
      taken.close();
    }
  });

  it('refuses a heap growth that is not a whole number of 0 or more, starting nothing', async () => {
    await expect(startDynamoDbProcess({ heapGrowingPercent: Number.NaN })).rejects.toThrow(RangeError);
    await expect(startDynamoDbProcess({ heapGrowingPercent: -5 })).rejects.toThrow(/whole number, 0 or more/);
  });

  it('starts the child with the heap growth it is given', async () => {
    const db = await startDynamoDbProcess({ heapGrowingPercent: 20 });
    try {
      const commandLine = (await readFile(`/proc/${db.pid}/cmdline`, 'utf8')).split('\0');
      expect(commandLine).toContain('--heap-growing-percent=20');
    } finally {
      await db.close();
    }
  });
});
