import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { escapeUri, SigV4Signer } from '../../lambdas/core/delivery/sigv4.ts';
import { listUserConnections } from '../../lambdas/core/store/connections.ts';
import { localDefaults } from '../../local/defaults.ts';
import { signToken } from '../../tools/sign-token.ts';
import { testConfig } from './config.ts';
import { openClient, sleep, type TestClient, waitUntil } from './emulator.ts';
import { startTestRuntime } from './runtime.ts';

/**
 * A deployed stage to run the conformance rows against, from the environment
 * (tools/conformance/aws-run.sh sets it). AWS credentials for the SigV4-signed management calls
 * and the table read come from the SDK's usual chain (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, ...).
 */
export interface RemoteTargetSettings {
  /** `WAVELET_TARGET_URL`: the stage's WebSocket URL, `wss://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  readonly url: string;
  /** `WAVELET_TARGET_HTTP`: the management base, `https://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  readonly managementEndpoint: string;
  /** `WAVELET_TARGET_JWT_SECRET`: the stack's HS256 secret, to sign the test users' tokens. */
  readonly jwtSecret: string;
  /** `WAVELET_TARGET_TABLE`: the stack's table, where a test finds its connection's id. */
  readonly tableName: string;
  /** `AWS_REGION`, else the region in the URL. */
  readonly region: string;
}

const variables = {
  url: 'WAVELET_TARGET_URL',
  managementEndpoint: 'WAVELET_TARGET_HTTP',
  jwtSecret: 'WAVELET_TARGET_JWT_SECRET',
  tableName: 'WAVELET_TARGET_TABLE',
} as const;

/**
 * The remote target the environment names, or undefined when `WAVELET_TARGET_URL` is not set
 * (the rows then run against a local runtime). A partial or malformed setting throws rather
 * than quietly testing the local runtime instead.
 */
export function remoteTargetSettings(env: NodeJS.ProcessEnv = process.env): RemoteTargetSettings | undefined {
  if (!env.WAVELET_TARGET_URL) return undefined;
  const missing = Object.values(variables).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`WAVELET_TARGET_URL is set but not ${missing.join(', ')}`);
  const url = (env.WAVELET_TARGET_URL as string).replace(/\/+$/, '');
  const managementEndpoint = (env.WAVELET_TARGET_HTTP as string).replace(/\/+$/, '');
  if (!/^wss?:\/\/[^/]+\/[^/?#]+$/.test(url)) {
    throw new Error(`WAVELET_TARGET_URL must be ws(s)://{host}/{stage}, not ${url}`);
  }
  if (!/^https?:\/\/[^/]+\/[^/?#]+$/.test(managementEndpoint)) {
    throw new Error(`WAVELET_TARGET_HTTP must be http(s)://{host}/{stage}, not ${managementEndpoint}`);
  }
  const regionInUrl = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? regionInUrl;
  if (!region) throw new Error('AWS_REGION is needed when WAVELET_TARGET_URL names no region');
  return {
    url,
    managementEndpoint,
    jwtSecret: env.WAVELET_TARGET_JWT_SECRET as string,
    tableName: env.WAVELET_TARGET_TABLE as string,
    region,
  };
}

/** True when the rows run against a deployed stage; read at import, for `it.skipIf(remote)`. */
export const remote = remoteTargetSettings() !== undefined;

/** The suffix of a row that only the emulator can run, skipped on a remote target: `(local only: reason)`. */
export const localOnly = (reason: string): string => `(local only: ${reason})`;

/** A management API answer as sent, for the rows that check status, headers and body. */
export interface ManagementAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A connected test user: the socket, its user id and its connection id. */
export interface TargetClient extends TestClient {
  readonly userId: string;
  readonly connectionId: string;
}

/**
 * Where the conformance rows run: a deployed stage (see {@link remoteTargetSettings}) or, by
 * default, a local runtime this helper starts. Both run the stack's own handlers behind the
 * gateway, so a row sees exactly what a client of the deployed API sees.
 *
 * @example
 * const target = await startConformanceTarget();
 * const client = await target.connect();
 * await target.management().send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: 'x' }));
 */
export interface ConformanceTarget {
  readonly remote: boolean;
  /** The WebSocket URL with the stage: `wss://{host}/{stage}`, or `ws://127.0.0.1:{port}/local`. */
  readonly url: string;
  readonly stage: string;
  /** The management base, `{scheme}://{host}/{stage}`. */
  readonly managementEndpoint: string;
  /** The real SDK client: the usual credential chain remotely, dummy credentials locally; no retries by default. */
  management(maxAttempts?: number): ApiGatewayManagementApiClient;
  /** A SigV4-signed `@connections/{id}` call sent as is, answered as sent. */
  managementRequest(method: string, connectionId: string, body?: string): Promise<ManagementAnswer>;
  /** The URL with a fresh token for `userId`. */
  connectUrl(userId: string): Promise<string>;
  /** The connection id of the one connection `userId` holds, once the table shows it. */
  connectionIdOf(userId: string): Promise<string>;
  /** Connects a fresh user (`conformance-{uuid}`) with a token. */
  connect(options?: { protocols?: string[] }): Promise<TargetClient>;
  /** A fresh user id for a row that opens its own socket. */
  newUserId(): string;
  /** Ends the local runtime (nothing remotely: the script tears the stage down). */
  stop(): Promise<void>;
}

/** Starts the target the environment names: a local runtime unless `WAVELET_TARGET_URL` is set. */
export async function startConformanceTarget(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConformanceTarget> {
  const settings = remoteTargetSettings(env);
  if (settings) {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: settings.region }));
    return buildTarget({ ...settings, remote: true, db, stop: async () => db.destroy() });
  }
  const runtime = await startTestRuntime();
  return buildTarget({
    remote: false,
    url: `${runtime.endpoints.websocket}/${runtime.gateway.stage}`,
    managementEndpoint: runtime.endpoints.management,
    jwtSecret: localDefaults.jwtSecret,
    tableName: runtime.endpoints.tableName,
    region: localDefaults.region,
    db: runtime.db,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    stop: async () => {
      // The rows' last sockets close as the file ends: their `$disconnect` runs before the runtime stops.
      await waitUntil(() => runtime.gateway.connectionIds().length === 0, 2000).catch(() => undefined);
      await sleep(200);
      await runtime.stop();
    },
  });
}

interface TargetParts extends RemoteTargetSettings {
  readonly remote: boolean;
  readonly db: DynamoDBDocumentClient;
  /** Fixed credentials (locally); remotely the SDK's default chain. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

function buildTarget(parts: TargetParts): ConformanceTarget {
  const stage = new URL(parts.url).pathname.slice(1);
  const signer = new SigV4Signer(parts.region, 'execute-api');
  const clients: ApiGatewayManagementApiClient[] = [];
  const management = (maxAttempts = 1) => {
    const client = new ApiGatewayManagementApiClient({
      endpoint: parts.managementEndpoint,
      region: parts.region,
      credentials: parts.credentials,
      maxAttempts,
    });
    clients.push(client);
    return client;
  };
  const store = { config: testConfig({ TABLE_NAME: parts.tableName }), db: parts.db, now: Date.now };
  const connectUrl = async (userId: string) =>
    `${parts.url}?token=${await signToken(userId, { secret: parts.jwtSecret, expiresInSeconds: 600 })}`;
  const connectionIdOf = async (userId: string) => {
    let ids: string[] = [];
    // The user's live-presence item is read eventually consistent (listUserConnections).
    for (let i = 0; i < 100 && ids.length === 0; i += 1) {
      ids = await listUserConnections(store, userId);
      if (ids.length === 0) await sleep(100);
    }
    if (ids.length !== 1)
      throw new Error(`expected one connection of ${userId} in the table, found ${ids.length}`);
    return ids[0] as string;
  };
  const newUserId = () => `conformance-${randomUUID()}`;
  return {
    remote: parts.remote,
    url: parts.url,
    stage,
    managementEndpoint: parts.managementEndpoint,
    management,
    managementRequest: async (method, connectionId, body = '') => {
      const base = new URL(parts.managementEndpoint);
      const path = `${base.pathname}/@connections/${escapeUri(connectionId)}`;
      const credentials = await (parts.credentials ?? management().config.credentials());
      const unsigned = { host: base.host, 'content-length': String(Buffer.byteLength(body)) };
      const headers = signer.sign({ method, path, headers: unsigned, body }, credentials);
      return sendRaw(base, method, path, headers, body);
    },
    connectUrl,
    connectionIdOf,
    newUserId,
    connect: async (options = {}) => {
      const userId = newUserId();
      const client = await openClient(await connectUrl(userId), options);
      return { ...client, userId, connectionId: await connectionIdOf(userId) };
    },
    stop: async () => {
      for (const client of clients) client.destroy();
      await parts.stop();
    },
  };
}

function sendRaw(
  base: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<ManagementAnswer> {
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port || undefined,
        method,
        path,
        headers,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
