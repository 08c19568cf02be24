import type { OperationCalls } from '../../../tools/bench/calls.ts';

/** A measured operation with the given figures and nothing else. */
export function op(
  operation: string,
  figures: {
    lambda?: Record<string, number>;
    reads?: number;
    writes?: number;
    readUnits?: number;
    writeUnits?: number;
    sqs?: number;
    posts?: number;
    messages?: [number, number];
  },
): OperationCalls {
  const [fromClients, toClients] = figures.messages ?? [0, 0];
  return {
    operation,
    lambda: figures.lambda ?? {},
    dynamodb: {
      reads: figures.reads ?? 0,
      writes: figures.writes ?? 0,
      readItems: 0,
      writeItems: 0,
      readUnits: figures.readUnits ?? 0,
      writeUnits: figures.writeUnits ?? 0,
      indexWriteUnits: 0,
      byOperation: {},
    },
    sqs: { handlers: {}, producer: 0, consumerBatches: 0, billed: figures.sqs ?? 0 },
    posts: figures.posts ?? 0,
    messages: { fromClients, toClients },
  };
}

/** A small set of measured operations, one of each kind the cost table is built from. */
export const measured: OperationCalls[] = [
  op('connect', { lambda: { authorizer: 1, connect: 1 }, writes: 1, writeUnits: 3 }),
  op('disconnect', { lambda: { disconnect: 1 }, writes: 1, writeUnits: 3 }),
  op('ping (heartbeat, first of the minute)', {
    lambda: { ping: 1 },
    writes: 1,
    writeUnits: 4,
    messages: [1, 1],
  }),
  op('ping (heartbeat, within the minute)', { lambda: { ping: 1 }, messages: [1, 1] }),
  op('send a direct message', {
    lambda: { send: 1 },
    reads: 1,
    readUnits: 0.5,
    writes: 3,
    writeUnits: 3,
    posts: 1,
    messages: [1, 2],
  }),
  op('ack (one message)', { lambda: { ack: 1 }, writes: 3, writeUnits: 3, messages: [1, 1] }),
  op('publish to a room of 10', {
    lambda: { publish: 1 },
    reads: 3,
    readUnits: 1,
    writes: 2,
    writeUnits: 2,
    posts: 10,
    messages: [1, 11],
  }),
  op('publish to a room of 1,000', {
    lambda: { publish: 1, deliver: 1 },
    reads: 3,
    readUnits: 18,
    writes: 2,
    writeUnits: 2,
    sqs: 3,
    posts: 1000,
    messages: [1, 1001],
  }),
  op('notify all (1,000 connections)', {
    lambda: { notify: 1, deliver: 1 },
    reads: 8,
    readUnits: 32,
    sqs: 6,
    posts: 1000,
    messages: [0, 1000],
  }),
];
