import { describe, expect, it } from 'vitest';
import { invocationsOf, summarize } from '../../../tools/bench/calls.ts';
import { indexWritesOf } from '../../../tools/bench/dynamodb-meter.ts';

describe('Function: invocationsOf', () => {
  it('reads route, connect, disconnect and queue consumer invocations from the runtime log', () => {
    const counts = invocationsOf([
      'CONNECT abc= 101',
      'CONNECT 401 authorizer: Unauthorized',
      'MESSAGE abc= publish returned 12ms',
      'POST @connections/abc= 200',
      'λ deliver 1234 40ms ok',
      'λ sweep 99 3ms ok',
      'DISCONNECT abc= 1000 7ms',
    ]);
    expect(counts).toEqual({ authorizer: 1, connect: 1, publish: 1, deliver: 1, disconnect: 1 });
  });
});

describe('Function: summarize', () => {
  it('sorts DynamoDB operations into reads and writes and bills a receive and a delete per consumer batch', () => {
    const calls = summarize('notify a room', {
      metered: {
        Query: { calls: 2, items: 20, capacity: 3, indexCapacity: 0 },
        BatchGetItem: { calls: 1, items: 10, capacity: 5, indexCapacity: 0 },
        BatchWriteItem: { calls: 1, items: 25, capacity: 25, indexCapacity: 0 },
        UpdateItem: { calls: 1, items: 1, capacity: 1, indexCapacity: 3 },
      },
      sqs: { SendMessageBatch: 1 },
      producerSends: 1,
      lines: ['λ notify 1 10ms ok', 'λ deliver 2 10ms ok', 'λ deliver 3 10ms ok'],
      posts: 10,
      fromClients: 0,
      toClients: 10,
    });
    expect(calls.dynamodb).toMatchObject({
      reads: 3,
      readItems: 30,
      readUnits: 8,
      writes: 2,
      writeItems: 26,
      writeUnits: 29,
      indexWriteUnits: 3,
    });
    expect(calls.sqs.consumerBatches).toBe(3);
    expect(calls.sqs.billed).toBe(1 + 1 + 2 * 3);
  });
});

describe('Function: indexWritesOf', () => {
  const connection = { pk: { S: 'CONN#abc=' }, sk: { S: 'CONN' } };

  it('adds nothing for a connection item (in no index) nor for its last-seen record', () => {
    expect(indexWritesOf('PutItem', { Item: connection })).toBe(0);
    expect(indexWritesOf('DeleteItem', { Key: connection })).toBe(0);
    const seen = { pk: { S: 'SEEN#3' }, sk: { S: 'CONN#abc=' } };
    expect(indexWritesOf('UpdateItem', { Key: seen, UpdateExpression: 'SET lastSeenAt = :now' })).toBe(0);
    expect(indexWritesOf('PutItem', { Item: seen })).toBe(0);
  });

  it('adds byUser for member items and nothing for items in no index', () => {
    expect(indexWritesOf('PutItem', { Item: { pk: { S: 'ROOM#r' }, sk: { S: 'MEMBER#u' } } })).toBe(1);
    expect(indexWritesOf('PutItem', { Item: { pk: { S: 'INBOX#u' }, sk: { S: 'MSG#1' } } })).toBe(0);
    expect(
      indexWritesOf('BatchWriteItem', {
        RequestItems: {
          t: [
            { PutRequest: { Item: { pk: { S: 'ROOM#r' }, sk: { S: 'MEMBER#u' } } } },
            { PutRequest: { Item: connection } },
            { DeleteRequest: { Key: { pk: { S: 'SUBS#r' } } } },
          ],
        },
      }),
    ).toBe(1);
  });
});
