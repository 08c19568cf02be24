import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the meter saw for one DynamoDB operation name (e.g. `Query`). */
export interface MeteredOperation {
  calls: number;
  /** Items written or read: 1 per single-item call, the request's items for batches, the matches of a Query or Scan. */
  items: number;
  /** Capacity units the table consumed, as the local DynamoDB computes them (item size, consistency). */
  capacity: number;
  /** Estimated write units on the indexes (see {@link indexWrites}). */
  indexCapacity: number;
}

export interface DynamoDbMeter {
  /** The proxy's URL: give it to the runtime as its DynamoDB endpoint. */
  readonly endpoint: string;
  /** Starts a new count and returns the previous one. */
  take(): Record<string, MeteredOperation>;
  close(): Promise<void>;
}

const withCapacity = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
]);
const writes = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/**
 * A metering proxy in front of the local DynamoDB: forwards every request, asks for the consumed
 * capacity on the way (`ReturnConsumedCapacity: TOTAL`), and takes it out of the answer again
 * unless the caller asked for it, so that the handlers see the same responses. The local
 * DynamoDB does not check signatures, and the response checksum header is dropped because the
 * body changes. Benchmarks only.
 */
export async function startDynamoDbMeter(target: string): Promise<DynamoDbMeter> {
  const upstream = new URL(target);
  let counts: Record<string, MeteredOperation> = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const asked = body.ReturnConsumedCapacity;
      if (withCapacity.has(operation) && (asked === undefined || asked === 'NONE'))
        body.ReturnConsumedCapacity = 'TOTAL';
      const payload = Buffer.from(JSON.stringify(body));
      const headers = { ...req.headers, 'content-length': String(payload.length) };
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            let text = Buffer.concat(parts).toString('utf8');
            if ((answer.statusCode ?? 500) < 300 && text.startsWith('{')) {
              const result = JSON.parse(text) as Record<string, unknown>;
              record(operation, body, result);
              if (asked === undefined || asked === 'NONE') delete result.ConsumedCapacity;
              text = JSON.stringify(result);
            }
            const out = Buffer.from(text);
            const { 'x-amz-crc32': _, ...rest } = answer.headers;
            res.writeHead(answer.statusCode ?? 500, { ...rest, 'content-length': String(out.length) });
            res.end(out);
          });
        },
      );
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(payload);
    });
  });

  function record(
    operation: string,
    request: Record<string, unknown>,
    result: Record<string, unknown>,
  ): void {
    const entry = counts[operation] ?? { calls: 0, items: 0, capacity: 0, indexCapacity: 0 };
    counts[operation] = entry;
    entry.calls += 1;
    entry.items += itemsOf(operation, request, result);
    const consumed = result.ConsumedCapacity as
      | { CapacityUnits?: number }
      | { CapacityUnits?: number }[]
      | undefined;
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
      entry.capacity += c.CapacityUnits ?? 0;
    if (writes.has(operation)) entry.indexCapacity += indexWritesOf(operation, request);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    take: () => {
      const taken = counts;
      counts = {};
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Requests = Record<string, { PutRequest?: { Item: Key }; DeleteRequest?: { Key: Key } }[]>;
type Key = Record<string, { S?: string }>;

function itemsOf(
  operation: string,
  request: Record<string, unknown>,
  result: Record<string, unknown>,
): number {
  if (operation === 'BatchWriteItem') {
    const sent = Object.values(request.RequestItems as Requests).reduce((n, list) => n + list.length, 0);
    const left = Object.values((result.UnprocessedItems ?? {}) as Requests).reduce(
      (n, list) => n + list.length,
      0,
    );
    return sent - left;
  }
  if (operation === 'BatchGetItem') {
    const responses = (result.Responses ?? {}) as Record<string, unknown[]>;
    return Object.values(responses).reduce((n, list) => n + list.length, 0);
  }
  if (operation === 'Query' || operation === 'Scan') return Number(result.Count ?? 0);
  return 1;
}

/**
 * Write units the indexes add, which the local DynamoDB does not count: `byUser` projects
 * every attribute, so a write to an item that is in it writes the index too. Member items are
 * in `byUser`; a connection's record (`CONN#`) and its last-seen record (`SEEN#`) are in no
 * index (a user's connections are in their live-presence item). One unit each: these items
 * are small.
 */
export function indexWritesOf(operation: string, request: Record<string, unknown>): number {
  if (operation === 'BatchWriteItem') {
    return Object.values(request.RequestItems as Requests)
      .flat()
      .reduce((n, r) => n + indexWritesOfKey(r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {}), 0);
  }
  return indexWritesOfKey((request.Item ?? request.Key ?? {}) as Key);
}

function indexWritesOfKey(key: Key): number {
  const pk = key.pk?.S ?? '';
  const sk = key.sk?.S ?? '';
  if (pk.startsWith('ROOM#') && sk.startsWith('MEMBER#')) return 1;
  return 0;
}
