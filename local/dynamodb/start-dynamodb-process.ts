import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalDynamoDb, StartDynamoDbOptions } from './start-dynamodb.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const rootDir = path.resolve(here, '..', '..');

/** Options of {@link startDynamoDbProcess}. */
export interface StartDynamoDbProcessOptions extends StartDynamoDbOptions {
  /** V8's heap growth factor in the child, as a percentage; 0 leaves V8's own. @default 0 */
  readonly heapGrowingPercent?: number;
}

/** A local DynamoDB in a process of its own. */
export interface LocalDynamoDbProcess extends LocalDynamoDb {
  /** Its process id, for memory and CPU readings. */
  readonly pid: number;
}

/**
 * Starts the local DynamoDB (dynalite) in a child process, so that its CPU, about a third of the
 * runtime's per DynamoDB call, runs on another core than the gateway and the handlers. Same
 * options and endpoint as {@link startDynamoDb}; the child exits when closed or when this
 * process ends.
 *
 * @example
 * const db = await startDynamoDbProcess({ dataDir: '.local/dynamodb' });
 * await createTables({ endpoint: db.endpoint, tableName: 'wavelet-local' });
 */
export async function startDynamoDbProcess(
  options: StartDynamoDbProcessOptions = {},
): Promise<LocalDynamoDbProcess> {
  const { heapGrowingPercent = 0, ...dynamodbOptions } = options;
  if (!Number.isInteger(heapGrowingPercent) || heapGrowingPercent < 0) {
    throw new RangeError(`heapGrowingPercent must be a whole number, 0 or more; got ${heapGrowingPercent}`);
  }
  const heapFlags = heapGrowingPercent > 0 ? [`--heap-growing-percent=${heapGrowingPercent}`] : [];
  const child = fork(path.join(here, 'dynamodb-process-main.ts'), [JSON.stringify(dynamodbOptions)], {
    cwd: rootDir,
    execArgv: ['--import', 'tsx', ...heapFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the local DynamoDB process exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message: { type?: string; endpoint?: string; message?: string }) => {
      child.off('exit', onExit);
      if (message.type === 'ready' && message.endpoint) resolve(message.endpoint);
      else
        reject(new Error(`the local DynamoDB did not start: ${message.message ?? JSON.stringify(message)}`));
    });
  });
  return {
    endpoint,
    pid: child.pid ?? 0,
    close: async () => {
      if (child.connected) child.send({ type: 'close' });
      else child.kill();
      await exited;
    },
  };
}
