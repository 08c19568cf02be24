import WebSocket from 'ws';
import { percentile } from './stats.ts';

/**
 * Child process of the ping benchmark: opens `connections` sockets to `url` and has each send
 * a ping and wait for its pong, back to back, for `durationMs` after a warm-up. Reports the
 * round-trip count and latency percentiles to the parent over IPC. Running the clients in
 * their own process keeps their cost off the server's core.
 */
interface Job {
  readonly url: string;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const frame = JSON.stringify({ action: 'ping' });

const open = (url: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

const sockets = await Promise.all(Array.from({ length: job.connections }, () => open(job.url)));
const samples: number[] = [];
let measuring = false;
let running = true;

await Promise.all(
  sockets
    .map(
      (ws) =>
        new Promise<void>((resolve) => {
          let sentAt = 0;
          const next = () => {
            if (!running) return resolve();
            sentAt = performance.now();
            ws.send(frame);
          };
          ws.on('message', () => {
            if (measuring) samples.push(performance.now() - sentAt);
            next();
          });
          next();
        }),
    )
    .concat([
      (async () => {
        await new Promise((r) => setTimeout(r, job.warmupMs));
        measuring = true;
        await new Promise((r) => setTimeout(r, job.durationMs));
        measuring = false;
        running = false;
      })(),
    ]),
);

samples.sort((a, b) => a - b);
process.send?.({
  roundTrips: samples.length,
  perSecond: samples.length / (job.durationMs / 1000),
  p50: percentile(samples, 50),
  p99: percentile(samples, 99),
});
for (const ws of sockets) ws.close();
process.exit(0);
