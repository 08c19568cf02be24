import type WebSocket from 'ws';
import { nowMs as now } from '../shared/clock.ts';
import { openSocket } from '../shared/open-socket.ts';
import { signToken } from '../sign-token.ts';

/**
 * Child process of the fan-out benchmark: holds the subscriber sockets, so that receiving
 * 10,000 frames costs the clients' core, not the runtime's. Driven over IPC:
 *
 * - `open {url, secret, count, batch}`: opens `count` sockets (user `bench-{i}`, no
 *   compression), `batch` handshakes at a time; answers `opened`.
 * - `expect {id, count, timeoutMs}`: answers `armed`, then `received` once `count` sockets got
 *   the `message` (or `notification`) frame with that id (or the time ran out), with arrival times and duplicates.
 *   Every message frame is kept by id, so `expect` may come after the frames did.
 * - `close`: exits.
 */
export type ParentMessage =
  | { type: 'open'; url: string; secret: string; count: number; batch: number }
  | { type: 'expect'; id: string; count: number; timeoutMs: number }
  | { type: 'close' };

export type ChildMessage =
  | { type: 'opened'; count: number; ms: number }
  | { type: 'armed'; id: string }
  | {
      type: 'received';
      id: string;
      /** Sockets that got the frame at least once. */
      sockets: number;
      /** Frames with that id in all; more than `sockets` means some were posted twice. */
      frames: number;
      /** Epoch ms (fractional) of the first and last arrival. */
      firstAt: number;
      lastAt: number;
    };

const sockets: WebSocket[] = [];
const seen = new Map<string, { sockets: Set<WebSocket>; frames: number; firstAt: number; lastAt: number }>();
let waiting: { id: string; count: number; done: () => void } | undefined;

const reply = (message: ChildMessage) => process.send?.(message);

function onFrame(ws: WebSocket, data: WebSocket.RawData): void {
  const text = String(data);
  // Cheap pre-check: only message and notification frames are counted.
  if (!text.startsWith('{"type":"message"') && !text.startsWith('{"type":"notification"')) return;
  const { id } = JSON.parse(text) as { id: string };
  const at = now();
  let entry = seen.get(id);
  if (!entry) {
    entry = { sockets: new Set(), frames: 0, firstAt: at, lastAt: at };
    seen.set(id, entry);
  }
  entry.sockets.add(ws);
  entry.frames += 1;
  entry.lastAt = at;
  if (waiting?.id === id && entry.sockets.size >= waiting.count) waiting.done();
}

async function open(url: string, secret: string, count: number, batch: number): Promise<void> {
  for (let i = 0; i < count; i += batch) {
    const opening = Array.from({ length: Math.min(batch, count - i) }, async (_, j) => {
      const token = await signToken(`bench-${i + j}`, { secret, expiresInSeconds: 4 * 3600 });
      const ws = await openSocket(`${url}?token=${token}`);
      ws.on('message', (data) => onFrame(ws, data));
      sockets.push(ws);
    });
    await Promise.all(opening);
  }
}

// The parent went away (crashed or interrupted): nothing left to measure.
process.on('disconnect', () => process.exit(0));

process.on('message', async (message: ParentMessage) => {
  if (message.type === 'open') {
    const started = now();
    await open(message.url, message.secret, message.count, message.batch);
    reply({ type: 'opened', count: sockets.length, ms: now() - started });
  } else if (message.type === 'expect') {
    const { id, count, timeoutMs } = message;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      done = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    waiting = { id, count, done };
    reply({ type: 'armed', id });
    if ((seen.get(id)?.sockets.size ?? 0) >= count) done();
    await finished;
    waiting = undefined;
    // A moment more, so that a frame posted twice is counted.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const entry = seen.get(id);
    reply({
      type: 'received',
      id,
      sockets: entry?.sockets.size ?? 0,
      frames: entry?.frames ?? 0,
      firstAt: entry?.firstAt ?? Number.NaN,
      lastAt: entry?.lastAt ?? Number.NaN,
    });
  } else {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
