import { Histogram } from '../shared/histogram.ts';
import { openSocket } from '../shared/open-socket.ts';
import { percentileMs } from './stats.ts';

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

const sockets = await Promise.all(Array.from({ length: job.connections }, () => openSocket(job.url)));
/** Round-trip times in microseconds. */
const samples = new Histogram();
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
            if (measuring) samples.record((performance.now() - sentAt) * 1000);
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

process.send?.({
  roundTrips: samples.count,
  perSecond: samples.count / (job.durationMs / 1000),
  p50: percentileMs(samples, 50),
  p99: percentileMs(samples, 99),
});
for (const ws of sockets) ws.close();
process.exit(0);
