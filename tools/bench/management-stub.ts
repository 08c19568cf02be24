import { createServer } from 'node:http';
import { listen } from '../../local/listen.ts';

/**
 * Child process of the delivery benchmark: a management API that only answers. Every
 * `POST /{stage}/@connections/{id}` is read to its end and answered 200 with no body (as API
 * Gateway answers PostToConnection) after the injected latency, so the benchmark process holds
 * nothing but the delivery code, as a worker's container does, and the far side costs another
 * core. Driven over IPC:
 *
 * - `start`: listens on a free port; answers `started` with the endpoint.
 * - `latency {ms}`: sets the latency of later posts; answers `set`.
 * - `count`: answers `counted` with the posts answered so far, and the most in flight at once.
 * - `close`: exits.
 */
export type StubAsk =
  | { type: 'start' }
  | { type: 'latency'; ms: number }
  | { type: 'count' }
  | { type: 'close' };

export type StubAnswer =
  | { type: 'started'; endpoint: string }
  | { type: 'set' }
  | { type: 'counted'; posts: number; maxInFlight: number };

let latencyMs = 0;
let posts = 0;
let inFlight = 0;
let maxInFlight = 0;

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  inFlight += 1;
  maxInFlight = Math.max(maxInFlight, inFlight);
  request.resume();
  request.on('end', () => {
    const answer = () => {
      inFlight -= 1;
      if (request.method === 'POST' && request.url?.includes('/@connections/')) posts += 1;
      response.writeHead(200, { 'content-length': '0' }).end();
    };
    if (latencyMs > 0) setTimeout(answer, latencyMs);
    else answer();
  });
});

const reply = (answer: StubAnswer) => process.send?.(answer);

process.on('message', async (ask: StubAsk) => {
  if (ask.type === 'start') {
    const { origin } = await listen(server, 0, '127.0.0.1');
    reply({ type: 'started', endpoint: `http://${origin}/bench` });
  } else if (ask.type === 'latency') {
    latencyMs = ask.ms;
    maxInFlight = 0;
    reply({ type: 'set' });
  } else if (ask.type === 'count') {
    reply({ type: 'counted', posts, maxInFlight });
  } else {
    server.closeAllConnections();
    server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
