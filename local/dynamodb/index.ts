export { type CreateTablesOptions, createTables } from './create-tables.ts';
export { type LocalDynamoDb, type StartDynamoDbOptions, startDynamoDb } from './start-dynamodb.ts';
export {
  type LocalDynamoDbProcess,
  type StartDynamoDbProcessOptions,
  startDynamoDbProcess,
} from './start-dynamodb-process.ts';
