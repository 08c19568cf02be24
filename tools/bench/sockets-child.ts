import type WebSocket from 'ws';
import { openSocket } from '../shared/open-socket.ts';
import { signToken } from '../sign-token.ts';

/**
 * Child process that holds plain receiving sockets for a benchmark, so that receiving costs the
 * clients' core. Driven over IPC:
 *
 * - `open {url, secret, prefix, count, batch}`: opens `count` sockets as users `{prefix}{i}`,
 *   `batch` handshakes at a time; answers `opened`.
 * - `count`: answers `counted` with the frames received so far (all sockets together).
 * - `close`: exits.
 */
export type SocketsAsk =
  | { type: 'open'; url: string; secret: string; prefix: string; count: number; batch: number }
  | { type: 'count' }
  | { type: 'close' };

export type SocketsAnswer = { type: 'opened'; count: number } | { type: 'counted'; frames: number };

const sockets: WebSocket[] = [];
let frames = 0;

async function open(ask: Extract<SocketsAsk, { type: 'open' }>): Promise<void> {
  for (let i = 0; i < ask.count; i += ask.batch) {
    await Promise.all(
      Array.from({ length: Math.min(ask.batch, ask.count - i) }, async (_, j) => {
        const token = await signToken(`${ask.prefix}${i + j}`, {
          secret: ask.secret,
          expiresInSeconds: 3600,
        });
        const ws = await openSocket(`${ask.url}?token=${token}`);
        ws.on('message', () => {
          frames += 1;
        });
        sockets.push(ws);
      }),
    );
  }
}

const reply = (answer: SocketsAnswer) => process.send?.(answer);

process.on('disconnect', () => process.exit(0));

process.on('message', async (ask: SocketsAsk) => {
  if (ask.type === 'open') {
    await open(ask);
    reply({ type: 'opened', count: sockets.length });
  } else if (ask.type === 'count') {
    reply({ type: 'counted', frames });
  } else {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
