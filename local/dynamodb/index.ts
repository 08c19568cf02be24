export { type CreateTablesOptions, createTables } from './create-tables.ts';
export { type LocalDynamoDb, type StartDynamoDbOptions, startDynamoDb } from './start-dynamodb.ts';
export {
  type LocalDynamoDbProcess,
  type StartDynamoDbProcessOptions,
  startDynamoDbProcess,
} from './start-dynamodb-process.ts';
export { startTtlSweeper, type TtlSweeper, type TtlSweeperOptions } from './ttl-sweeper.ts';
