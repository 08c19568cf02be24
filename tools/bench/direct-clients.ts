import type WebSocket from 'ws';
import { nowMs as now } from '../shared/clock.ts';
import { Histogram } from '../shared/histogram.ts';
import { openSocket } from '../shared/open-socket.ts';
import { signToken } from '../sign-token.ts';
import { percentileMs } from './stats.ts';

/**
 * Child process of the direct-message benchmark: holds sender and receiver sockets, so that
 * generating and receiving the load costs the clients' core, not the server's. Driven over IPC:
 *
 * - `open {url, secret?, senders, receivers}`: opens the sockets (users `dm-sender-{i}` and
 *   `dm-receiver-{i}`); with `secret` each presents a signed `token`, without it a `user`
 *   parameter (the bare relay). Answers `opened`.
 * - `run {rate, durationMs, graceMs}`: sends `send` frames open-loop at `rate` per second for
 *   `durationMs`, sender `i % senders` to receiver `i % receivers`, each carrying its send time;
 *   waits up to `graceMs` for the last ones; answers `ran` with latencies from send to receipt.
 * - `close`: exits.
 */
export type DirectParentMessage =
  | { type: 'open'; url: string; secret?: string; senders: number; receivers: number }
  | { type: 'run'; rate: number; durationMs: number; graceMs: number }
  | { type: 'close' };

export interface DirectRun {
  readonly rate: number;
  readonly sent: number;
  readonly received: number;
  /** Error frames the senders got back (e.g. RATE_LIMITED), by code. */
  readonly errors: Readonly<Record<string, number>>;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Messages received per second of sending. */
  readonly receivedPerSecond: number;
}

export type DirectChildMessage = { type: 'opened'; count: number } | ({ type: 'ran' } & DirectRun);

const senders: WebSocket[] = [];
const receivers: WebSocket[] = [];
/** Send-to-receipt latencies of the current run, in microseconds. */
const latencies = new Histogram();
let errors: Record<string, number> = {};
/** Message indices of the current run: a message from an earlier run is not counted. */
let runFirst = 0;
let counter = 0;

const reply = (message: DirectChildMessage) => process.send?.(message);

async function openUserSocket(url: string, user: string, secret: string | undefined): Promise<WebSocket> {
  const credential = secret
    ? `token=${await signToken(user, { secret, expiresInSeconds: 3600 })}`
    : `user=${encodeURIComponent(user)}`;
  return openSocket(`${url}?${credential}`);
}

function onReceiverFrame(data: WebSocket.RawData): void {
  const text = String(data);
  if (!text.startsWith('{"type":"message"')) return;
  const { data: body } = JSON.parse(text) as { data: { i: number; t: number } };
  if (body.i >= runFirst) latencies.record((now() - body.t) * 1000);
}

function onSenderFrame(data: WebSocket.RawData): void {
  const text = String(data);
  if (!text.startsWith('{"type":"error"')) return;
  const { code } = JSON.parse(text) as { code: string };
  errors[code] = (errors[code] ?? 0) + 1;
}

async function run(rate: number, durationMs: number, graceMs: number): Promise<DirectRun> {
  latencies.reset();
  errors = {};
  runFirst = counter;
  let sent = 0;
  const started = now();
  // Open loop: every tick sends what is due by now, whatever the server's pace.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = now() - started;
      const due = Math.floor((Math.min(elapsed, durationMs) * rate) / 1000);
      for (; sent < due; sent += 1) {
        const i = counter++;
        const frame = JSON.stringify({
          action: 'send',
          to: `dm-receiver-${i % receivers.length}`,
          data: { i, t: now() },
        });
        senders[i % senders.length]?.send(frame);
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const deadline = now() + graceMs;
  while (latencies.count < sent && now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return {
    rate,
    sent,
    received: latencies.count,
    errors,
    p50: percentileMs(latencies, 50),
    p99: percentileMs(latencies, 99),
    max: percentileMs(latencies, 100),
    receivedPerSecond: latencies.count / (durationMs / 1000),
  };
}

process.on('disconnect', () => process.exit(0));

process.on('message', async (message: DirectParentMessage) => {
  if (message.type === 'open') {
    for (let i = 0; i < message.senders; i += 1) {
      const ws = await openUserSocket(message.url, `dm-sender-${i}`, message.secret);
      ws.on('message', onSenderFrame);
      senders.push(ws);
    }
    for (let i = 0; i < message.receivers; i += 1) {
      const ws = await openUserSocket(message.url, `dm-receiver-${i}`, message.secret);
      ws.on('message', onReceiverFrame);
      receivers.push(ws);
    }
    reply({ type: 'opened', count: senders.length + receivers.length });
  } else if (message.type === 'run') {
    reply({ type: 'ran', ...(await run(message.rate, message.durationMs, message.graceMs)) });
  } else {
    for (const ws of [...senders, ...receivers]) ws.terminate();
    process.exit(0);
  }
});
