import { Agent as HttpAgent } from 'node:http';
import { Agent } from 'node:https';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type Config, getConfig, requireResource } from './config.ts';
import { createHttpPoster } from './delivery/poster.ts';
import type { Deps, Poster } from './deps.ts';

/**
 * Keep-alive sockets for the SDK clients. The SDK starts the connection timer when a request is
 * made, not when it gets a socket, so a request queued behind a busy pool can time out without
 * ever connecting: SDK_CONNECTION_TIMEOUT_MS leaves room for that where one process runs many
 * requests at once (the local runtime), and stays short on Lambda (one request at a time).
 */
const keepAlive = (connectionTimeout: number, requestTimeout?: number) =>
  new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
    httpsAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
    connectionTimeout,
    requestTimeout,
  });

/**
 * Drops the SDK's logger middleware. With no logger configured it still copies every response
 * through the sensitive-data filter to hand it to a no-op `info`: at 10,000 subscribers, a
 * quarter second of CPU walking Query pages that nothing logs.
 */
const withoutResponseLog = (stack: { remove(name: string): boolean }) => stack.remove('loggerMiddleware');

/** Builds the SDK clients; endpoints come from the standard AWS_ENDPOINT_URL_* variables. */
export function createDeps(config: Config = getConfig()): Deps {
  const dynamodb = new DynamoDBClient({ requestHandler: keepAlive(config.SDK_CONNECTION_TIMEOUT_MS) });
  withoutResponseLog(dynamodb.middlewareStack);
  const db = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const sqs = new SQSClient({ requestHandler: keepAlive(config.SDK_CONNECTION_TIMEOUT_MS) });
  withoutResponseLog(sqs.middlewareStack);
  // One quick retry of our own kind: a put that still fails goes to the retry queue (events/emit.ts),
  // so the caller never waits out the SDK's backoff.
  const events = new EventBridgeClient({
    maxAttempts: 2,
    requestHandler: keepAlive(config.SDK_CONNECTION_TIMEOUT_MS, config.DELIVERY_TIMEOUT_MS),
  });
  withoutResponseLog(events.middlewareStack);
  // Only functions bound to `management` get MANAGEMENT_ENDPOINT: without it, every call fails
  // with a ConfigError naming it, instead of reaching some default host.
  const managementEndpoint = () => requireResource(config, 'MANAGEMENT_ENDPOINT');
  // Retries are ours (delivery/post.ts): backoff with jitter, then hand-off to the queue.
  const management = new ApiGatewayManagementApiClient({
    endpoint: config.MANAGEMENT_ENDPOINT ?? (async () => ({ url: new URL(managementEndpoint()) })),
    maxAttempts: 1,
    requestHandler: keepAlive(config.SDK_CONNECTION_TIMEOUT_MS, config.DELIVERY_TIMEOUT_MS),
  });
  // Region and credentials as the SDK client resolves them: the default provider chain, memoized
  // and refreshed before temporary credentials expire.
  let poster: Poster | undefined;
  const posts: Poster = {
    post: (connectionId, frame) => {
      poster ??= createHttpPoster({
        endpoint: managementEndpoint(),
        region: () => management.config.region(),
        credentials: () => management.config.credentials(),
        timeoutMs: config.DELIVERY_TIMEOUT_MS,
      });
      return poster.post(connectionId, frame);
    },
  };
  return { config, db, sqs, events, management, posts, now: Date.now };
}

let defaults: Deps | undefined;

/** The container's clients, built on first use and kept for every later invocation. */
export function getDeps(): Deps {
  defaults ??= createDeps();
  return defaults;
}
