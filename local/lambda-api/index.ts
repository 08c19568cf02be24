export {
  type LocalLambdaApi,
  maxPayloadBytes,
  type StartLambdaApiOptions,
  startLambdaApi,
} from './start-lambda-api.ts';
