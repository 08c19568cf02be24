import { type WebSocket, WebSocketServer } from 'ws';
import type { MessageFrame } from '../../protocol/server-frames.ts';

/** A running bare relay. */
export interface Relay {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The direct-message baseline: a bare `ws` server that relays each `send` frame to every socket
 * of the user it names, shaped as our `message` frame, with nothing stored and no
 * authorization (users say who they are with a `user` query parameter). What is left is the
 * cost of the sockets and JSON, which any server pays.
 */
export async function startRelay(): Promise<Relay> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const byUser = new Map<string, Set<WebSocket>>();
  let sequence = 0;
  server.on('connection', (ws, req) => {
    const user = new URL(req.url ?? '/', 'http://relay').searchParams.get('user') ?? 'anonymous';
    const sockets = byUser.get(user) ?? new Set<WebSocket>();
    byUser.set(user, sockets);
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { action?: string; to?: string; data?: unknown };
      if (frame.action !== 'send' || typeof frame.to !== 'string') return;
      sequence += 1;
      const message = JSON.stringify({
        type: 'message',
        id: `relay-${sequence}`,
        from: user,
        to: frame.to,
        data: frame.data,
        ts: Date.now(),
      } satisfies MessageFrame);
      for (const target of byUser.get(frame.to) ?? []) target.send(message);
    });
  });
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
