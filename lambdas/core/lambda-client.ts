import { Agent as HttpAgent } from 'node:http';
import { Agent } from 'node:https';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from './config.ts';

let client: LambdaClient | undefined;

/**
 * The container's Lambda client, built on first use (only functions with a publish hook invoke
 * one), with keep-alive sockets: the hook is on the critical path of every send and publish. The
 * endpoint comes from `AWS_ENDPOINT_URL_LAMBDA` (the local runtime's). One attempt: the hook's
 * timeout (`PUBLISH_HOOK_TIMEOUT_MS`) is the whole budget, and a retry inside it would only hide
 * a failing hook.
 */
export function defaultLambdaClient(config: Config): LambdaClient {
  client ??= new LambdaClient({
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
      connectionTimeout: config.SDK_CONNECTION_TIMEOUT_MS,
    }),
  });
  return client;
}
