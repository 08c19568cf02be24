import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Poster, PostOutcome } from '../deps.ts';
import { limitConcurrency } from './concurrency.ts';
import { outcomeOf } from './post.ts';
import { escapeUri, type SigningCredentials, SigV4Signer } from './sigv4.ts';

/** Options of {@link createHttpPoster}. */
export interface HttpPosterOptions {
  /** The management endpoint: `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`. */
  readonly endpoint: string;
  /** The signing region, resolved once (the SDK client's `config.region`). */
  readonly region: () => Promise<string>;
  /** Called per post; must cache and refresh (the SDK client's memoized `config.credentials`). */
  readonly credentials: () => Promise<SigningCredentials>;
  /**
   * Longest a post may go without progress while connecting or sending; then it is
   * `retryable` (it never reached the gateway, so a retry cannot duplicate it).
   */
  readonly timeoutMs: number;
  /**
   * Longest a post that was sent in full may wait for its answer; then it is `retryable`
   * too, and may arrive twice (clients drop duplicates by `id`). Generous because the gateway
   * may have delivered it: on a starved machine the local runtime answers late, and the SDK
   * client this replaces waited for every answer. @default 15000
   */
  readonly answerTimeoutMs?: number;
  /** Keep-alive connections to the endpoint, and posts in flight (the rest wait). @default 64 */
  readonly maxSockets?: number;
}

/**
 * PostToConnection without the SDK: the request the SDK client sends (same path, same signed
 * headers, SigV4 for `execute-api`), written straight to a keep-alive `node:http(s)` agent.
 * The SDK's middleware stack (endpoint resolution, retry tokens, user agent, schema
 * serialization, an async signer) cost about 0.4 ms of CPU per call, which at 10,000
 * recipients is seconds; this path costs a small fraction of that. GetConnection and
 * DeleteConnection are rare and stay on the SDK client.
 *
 * Outcomes map as `classify` (post.ts) maps SDK errors: 2xx `ok`, 410 `gone`, 429, 5xx, a reset
 * socket or a timeout `retryable`, any other refusal (403, 413) `rejected`.
 *
 * @example
 * const posts = createHttpPoster({ endpoint, region, credentials, timeoutMs: 3000 });
 * const outcome = await posts.post(connectionId, JSON.stringify(frame));
 */
export function createHttpPoster(options: HttpPosterOptions): Poster {
  const url = new URL(options.endpoint);
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const maxSockets = options.maxSockets ?? 64;
  const answerTimeoutMs = options.answerTimeoutMs ?? 15_000;
  const agentOptions = { keepAlive: true, maxSockets };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const stagePath = url.pathname.replace(/\/+$/, '');
  let signer: Promise<SigV4Signer> | undefined;
  // Posts beyond the pool wait here as (id, frame) rather than as signed requests in the
  // agent's queue: a worker has hundreds of posts pending at once, and requests built early
  // outlive many garbage collections; a post is also signed and timed only once it can go.
  const inFlight = limitConcurrency(maxSockets);

  const postNow = async (connectionId: string, frame: string): Promise<PostOutcome> => {
    signer ??= options.region().then((region) => new SigV4Signer(region, 'execute-api'));
    const path = `${stagePath}/@connections/${escapeUri(connectionId)}`;
    let headers: Record<string, string>;
    try {
      const request = {
        method: 'POST',
        path,
        headers: {
          host: url.host,
          'content-type': 'application/octet-stream',
          'content-length': String(Buffer.byteLength(frame)),
        },
        body: frame,
      };
      headers = (await signer).sign(request, await options.credentials());
    } catch {
      // No credentials or region now (a failing provider): worth retrying, like a failed call.
      signer = undefined;
      return 'retryable';
    }
    headers['user-agent'] = 'wavelet';
    return new Promise((resolve) => {
      let answered = false;
      const req = send({
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        headers,
        agent,
        timeout: options.timeoutMs,
      });
      req.on('response', (res: IncomingMessage) => {
        answered = true;
        const status = res.statusCode ?? 0;
        const errorType = res.headers['x-amzn-errortype'];
        // Drained, so the socket goes back to the pool for the next post.
        res.on('error', () => undefined);
        res.resume();
        if (status >= 200 && status < 300) resolve('ok');
        else resolve(outcomeOf(status, typeof errorType === 'string' ? errorType.split(':')[0] : undefined));
      });
      let extended = false;
      const giveUp = (): void => {
        if (!answered) req.destroy(new Error('PostToConnection timed out'));
      };
      // Timers run before I/O in each turn of the event loop, so on a busy loop the timeout can
      // fire while the answer already waits on the socket; one turn later tells them apart.
      req.on('timeout', () =>
        setImmediate(() => {
          if (answered || extended) return;
          // Sent in full: the gateway may have delivered it, so wait longer before giving up.
          if (req.writableFinished && req.socket?.connecting === false) {
            extended = true;
            const rest = Math.max(answerTimeoutMs - options.timeoutMs, 0);
            setTimeout(() => setImmediate(giveUp), rest).unref();
            return;
          }
          giveUp();
        }),
      );
      // A reset, refused or timed-out call: no status, so `retryable`.
      req.on('error', () => resolve(outcomeOf(undefined)));
      req.end(frame);
    });
  };
  return { post: (connectionId, frame) => inFlight(() => postNow(connectionId, frame)) };
}
