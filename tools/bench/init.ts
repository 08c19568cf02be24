import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { SignJWT } from 'jose';
import { handlerBundling } from '../../lib/constructs/handler-function.ts';
import { functions, httpApi, queues, websocketApi } from '../../lib/manifest.ts';
import { benchEvent, type EventKind } from './init-events.ts';

const run = promisify(execFile);

/** One bundle's cold start, measured in fresh Node processes. */
export interface InitFigures {
  /** A manifest function, or `wsRouter` / `httpRouter` (the `per-api` functions). */
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Module load (`import()` of the bundle), median and p90 of the runs, in ms. */
  readonly loadMs: { readonly p50: number; readonly p90: number };
  /** Module load plus the first invocation, which makes the first SDK call, in ms. */
  readonly initMs: { readonly p50: number; readonly p90: number };
  /** AWS requests the first invocation made (to the stub): 0 means it never reached the SDK. */
  readonly sdkRequests: number;
}

export interface InitBench {
  readonly runs: number;
  readonly bundles: readonly InitFigures[];
  readonly session: SessionFunctions;
}

/** The `per-api` dispatchers, measured beside the manifest's functions. */
const routers = {
  wsRouter: { entry: 'lambdas/router/websocket.ts', kind: 'ws:$default' },
  httpRouter: { entry: 'lambdas/router/http.ts', kind: 'http:GET /me/unread' },
} as const;

/** A client session: the authorizer, `$connect`, the actions, `$disconnect`. */
export const sessionRoutes = ['$connect', 'sync', 'join', 'publish', 'ack', 'leave', '$disconnect'] as const;

export interface SessionFunctions {
  readonly routes: readonly string[];
  readonly perRoute: number;
  readonly perApi: number;
  /** The manifest functions the session invokes per-route. */
  readonly perRouteFunctions: readonly string[];
}

/** Distinct functions a session invokes, and so at most the cold starts it can meet. */
export function sessionFunctions(): SessionFunctions {
  const perRoute = new Set<string>([websocketApi.authorizer.function]);
  for (const route of sessionRoutes) perRoute.add(websocketApi.routes[route]);
  // per-api: the authorizer stays its own function; every route is the one WebSocket function.
  return {
    routes: ['authorizer', ...sessionRoutes],
    perRoute: perRoute.size,
    perApi: 2,
    perRouteFunctions: [...perRoute],
  };
}

/** What kind of event each manifest function is invoked with. */
function kindOf(name: string): EventKind {
  if (name === websocketApi.authorizer.function) return 'authorizer';
  const wsRoute = Object.entries(websocketApi.routes).find(([, fn]) => fn === name)?.[0];
  if (wsRoute) return `ws:${wsRoute}`;
  const httpRoute = Object.entries(httpApi.routes).find(([, fn]) => fn === name)?.[0];
  if (httpRoute) return `http:${httpRoute}`;
  if (Object.values(queues).some((q) => q.consumer === name)) return 'sqs';
  return 'schedule';
}

/** Builds one entry exactly as HandlerFunction does (NodejsFunction's esbuild, Node 22 target). */
async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: [...handlerBundling.mainFields],
    banner: { js: handlerBundling.banner },
    minify: handlerBundling.minify,
    sourcemap: handlerBundling.sourceMap,
    sourcesContent: handlerBundling.sourcesContent,
    logLevel: 'silent',
  });
  return (await stat(outfile)).size;
}

/** An AWS endpoint that answers every request `200 {}`, counting them. */
async function startStub(): Promise<{ url: string; count: () => number; close: () => void }> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on('end', () =>
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, count: () => requests, close: () => server.close() };
}

const marker = '@@init ';
const childScript = `
const t0 = performance.now();
const m = await import(process.env.BENCH_BUNDLE);
const t1 = performance.now();
try { await m.handler(JSON.parse(process.env.BENCH_EVENT), { functionName: 'bench', awsRequestId: 'r' }); } catch {}
const t2 = performance.now();
process.stdout.write('\\n${marker}' + JSON.stringify({ load: t1 - t0, init: t2 - t0 }) + '\\n');
process.exit(0);
`;

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

/**
 * Bundles every manifest function and the two `per-api` dispatchers as the stack does, then
 * for each, `runs` times, starts a fresh `node --enable-source-maps` (Lambda's NODE_OPTIONS),
 * imports the bundle and invokes its handler once with a representative event against a stub
 * AWS endpoint, so the first SDK call (client, credentials, signing, one request) is timed.
 * Node's own start is not timed: Lambda's runtime bootstrap is the same for every bundle.
 */
export async function measureInit(rootDir: string, runs = 7): Promise<InitBench> {
  const outDir = path.join(rootDir, '.local', 'bench', 'init');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const stub = await startStub();
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-user')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('bench-secret'));
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: '--enable-source-maps',
    NODE_NO_WARNINGS: '1',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL: stub.url,
    TABLE_NAME: 'bench',
    DELIVERIES_QUEUE_URL: `${stub.url}/123456789012/deliveries`,
    NOTIFICATIONS_QUEUE_URL: `${stub.url}/123456789012/notifications`,
    DELIVERIES_DLQ_URL: `${stub.url}/123456789012/deliveries-dlq`,
    NOTIFICATIONS_DLQ_URL: `${stub.url}/123456789012/notifications-dlq`,
    MANAGEMENT_ENDPOINT: `${stub.url}/bench`,
    JWT_SECRET: 'bench-secret',
    STAGE: 'bench',
    POWERTOOLS_SERVICE_NAME: 'wavelet',
    POWERTOOLS_METRICS_NAMESPACE: 'Wavelet',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  const entries = [
    ...Object.entries(functions).map(([name, spec]) => ({ name, entry: spec.entry, kind: kindOf(name) })),
    ...Object.entries(routers).map(([name, r]) => ({ name, entry: r.entry, kind: r.kind as EventKind })),
  ];
  const built = [];
  for (const { name, entry, kind } of entries) {
    const file = path.join(outDir, `${name}.mjs`);
    const bytes = await bundle(path.join(rootDir, entry), file);
    const gzipBytes = gzipSync(await readFile(file)).length;
    built.push({
      name,
      file,
      kind,
      bytes,
      gzipBytes,
      loads: [] as number[],
      inits: [] as number[],
      sdkRequests: 0,
    });
  }
  try {
    // Round by round over every bundle, so that load from other work on the machine falls on
    // all of them alike rather than on whichever ran while it lasted.
    for (let i = 0; i < runs; i += 1) {
      for (const b of built) {
        const before = stub.count();
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', childScript], {
          env: { ...env, BENCH_BUNDLE: b.file, BENCH_EVENT: JSON.stringify(benchEvent(b.kind, token)) },
          maxBuffer: 16 * 1024 * 1024,
        });
        b.sdkRequests = stub.count() - before;
        const line = stdout.split('\n').find((l) => l.startsWith(marker));
        if (!line) throw new Error(`${b.name}: the child printed no timing`);
        const { load, init } = JSON.parse(line.slice(marker.length)) as { load: number; init: number };
        b.loads.push(load);
        b.inits.push(init);
      }
    }
  } finally {
    stub.close();
  }
  const figures: InitFigures[] = built.map((b) => {
    const loads = [...b.loads].sort((x, y) => x - y);
    const inits = [...b.inits].sort((x, y) => x - y);
    return {
      name: b.name,
      bytes: b.bytes,
      gzipBytes: b.gzipBytes,
      loadMs: { p50: quantile(loads, 0.5), p90: quantile(loads, 0.9) },
      initMs: { p50: quantile(inits, 0.5), p90: quantile(inits, 0.9) },
      sdkRequests: b.sdkRequests,
    };
  });
  return { runs, bundles: figures, session: sessionFunctions() };
}
