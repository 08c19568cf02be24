import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { localDefaults } from '../../local/defaults.ts';
import { startLocalRuntime } from '../../local/runtime.ts';
import type { PongFrame } from '../../protocol/server-frames.ts';
import { firstMessage, forkTypeScript } from '../shared/child-process.ts';
import { signToken } from '../sign-token.ts';

export interface PingFigures {
  readonly roundTrips: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

export interface PingOptions {
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function runClients(url: string, options: PingOptions): Promise<PingFigures> {
  const child = forkTypeScript(path.join(here, 'ping-clients.ts'), [JSON.stringify({ url, ...options })]);
  return firstMessage<PingFigures>(child, 'ping clients');
}

/** The baseline: a bare `ws` server that answers every frame with a pong, as our ping route does. */
export async function pingBareServer(options: PingOptions): Promise<PingFigures> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  server.on('connection', (ws) => {
    ws.on('message', (data) => {
      JSON.parse(String(data));
      ws.send(JSON.stringify({ type: 'pong', ts: Date.now() } satisfies PongFrame));
    });
  });
  const { port } = server.address() as { port: number };
  try {
    return await runClients(`ws://127.0.0.1:${port}`, options);
  } finally {
    for (const c of server.clients) c.terminate();
    await new Promise((r) => server.close(r));
  }
}

/** Ping round trips through the emulator, the authorizer-admitted connection and the ping handler. */
export async function pingThroughRuntime(options: PingOptions): Promise<PingFigures> {
  // Every socket is the one user `bench`, pinging back to back: far past the frame budget,
  // which would answer RATE_LIMITED from memory and measure that instead of the ping route.
  const runtime = await startLocalRuntime({
    wsPort: 0,
    httpPort: 0,
    functionEnv: { FRAME_BUDGET_PER_SECOND: '10000000' },
  });
  try {
    const token = await signToken('bench', { secret: localDefaults.jwtSecret });
    return await runClients(`${runtime.endpoints.websocket}?token=${token}`, options);
  } finally {
    await runtime.stop();
  }
}
