import { startDynamoDb } from './start-dynamodb.ts';

/**
 * Entry of the local DynamoDB's own process (see start-dynamodb-process.ts): starts dynalite
 * with the options in argv, reports its endpoint over IPC, and closes it (flushing a data
 * folder) when asked or when the parent goes away.
 */
const options = JSON.parse(process.argv[2] ?? '{}') as { port?: number; host?: string; dataDir?: string };
const db = await startDynamoDb(options).catch((error: unknown) => {
  // The parent rejects with this reason rather than with a bare exit code.
  process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error) }, () =>
    process.exit(1),
  );
  return new Promise<never>(() => undefined);
});
let closing: Promise<void> | undefined;
const close = () => {
  closing ??= db.close().finally(() => process.exit(0));
  return closing;
};
process.on('message', (message: { type?: string }) => {
  if (message.type === 'close') void close();
});
// Ctrl-C in a terminal signals the whole process group: the parent's shutdown closes this one
// in order, after the handlers still running have finished their writes.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void close());
// The parent ended without closing us (a crash, a kill): nothing will use this table again.
process.on('disconnect', () => void close());
process.send?.({ type: 'ready', endpoint: db.endpoint });
