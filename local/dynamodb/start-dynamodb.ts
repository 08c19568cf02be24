import { mkdir } from 'node:fs/promises';
import dynalite from 'dynalite';
import { listen } from '../listen.ts';
import { fixDynaliteMemory } from './dynalite-memory.ts';

/** Options of {@link startDynamoDb}. */
export interface StartDynamoDbOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Folder that keeps the data between runs; the data lives in memory when absent. */
  readonly dataDir?: string;
}

/** A running local DynamoDB endpoint. */
export interface LocalDynamoDb {
  /** Base URL for `AWS_ENDPOINT_URL_DYNAMODB` or a client's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite in-process, speaking the DynamoDB JSON protocol the SDK uses.
 *
 * Table state transitions are instant (`createTableMs: 0`) so callers need no waiter.
 * dynalite has no TTL and no transactions; the design needs neither (reads filter by expiry).
 *
 * @example
 * const db = await startDynamoDb({ dataDir: '.local/dynamodb' });
 * await createTables({ endpoint: db.endpoint, tableName: 'wavelet-local' });
 */
export async function startDynamoDb(options: StartDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  fixDynaliteMemory();
  const server = dynalite({
    path: options.dataDir,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const { origin } = await listen(server, options.port ?? 0, host);
  return {
    endpoint: `http://${origin}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // dynalite's close also closes the LevelDB store, which must happen before a restart
        // on the same dataDir can open it again.
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of SDK clients would otherwise hold the close open.
        server.closeAllConnections();
      }),
  };
}
