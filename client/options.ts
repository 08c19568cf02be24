import { defaultAckDelayMs } from './acks.ts';
import { type BackoffOptions, defaultBackoff } from './backoff.ts';
import { defaultMessageListSize } from './message-list.ts';

/**
 * What the client needs of a WebSocket: the browser's `WebSocket` and Node's `ws` both fit.
 * The client also sets `onopen`, `onmessage`, `onclose` and `onerror`, which both have.
 *
 * @example
 * ```ts
 * const socket: WebSocketLike = new WebSocket('wss://example.test/prod?ticket=t');
 * ```
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket class: `globalThis.WebSocket` in browsers, the default export of `ws` in Node.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const WebSocketClass: WebSocketConstructor = WebSocket;
 * ```
 */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * What a `ticket` function may give: the ticket alone, or the body of `POST /tickets`, whose
 * `credentialExpiresAt` lets the client refresh before the connection's credential expires.
 *
 * @example
 * ```ts
 * const grant: TicketGrant = { ticket: 't', credentialExpiresAt: Date.now() + 3_600_000 };
 * ```
 */
export type TicketGrant = string | { readonly ticket: string; readonly credentialExpiresAt?: number };

/**
 * Options of {@link WaveletClient}. Give `ticket` (preferred) or `token`.
 *
 * @example
 * ```ts
 * const options: WaveletClientOptions = {
 *   url: 'wss://abc123.execute-api.eu-west-1.amazonaws.com/prod',
 *   ticket: () => fetch('/api/tickets', { method: 'POST' }).then((r) => r.json()).then((b) => b.ticket),
 *   device: 'laptop',
 * };
 * ```
 */
export interface WaveletClientOptions {
  /** `ws://127.0.0.1:8080` locally, `wss://{api}.execute-api.{region}.amazonaws.com/{stage}` on AWS. */
  readonly url: string;
  /**
   * Fetches a fresh single-use ticket (`POST /tickets`). Called before every connection attempt,
   * reconnects included, so an expired ticket or the gateway's two-hour cap never strands the
   * client, and to `refresh` the connection's credential before it expires. Return the whole
   * `POST /tickets` body (with `credentialExpiresAt`) so the client knows when to refresh; with the
   * ticket alone it refreshes when a frame is first refused "credential expired".
   */
  readonly ticket?: () => Promise<TicketGrant>;
  /**
   * A JWT sent as `?token=`, or a function giving one (called before every attempt, and to
   * `refresh` before the token's `exp`; a fixed token cannot be refreshed).
   */
  readonly token?: string | (() => Promise<string>);
  /**
   * The HTTP API's base URL (`https://{api}.execute-api.{region}.amazonaws.com`, the local
   * runtime's HTTP address), used with a `token` where the handshake's status cannot be seen (a
   * browser's WebSocket): after {@link authCheckAfterFailures} failed handshakes in a row, a
   * fresh token is presented to `POST /tickets`, and a 401 or 403 stops the client with
   * `AUTH_FAILED`. Without it such a client retries, as for a network failure.
   */
  readonly httpUrl?: string;
  /** A label for this connection (`?device=`). */
  readonly device?: string;
  /** The user's id, when the app knows it; otherwise decoded from a token's `sub` when possible. */
  readonly userId?: string;
  /** @default globalThis.WebSocket; pass `ws`'s default export in Node. */
  readonly WebSocket?: WebSocketConstructor;
  /** How long a request waits for its reply once sent on an open socket. @default 10000 */
  readonly requestTimeoutMs?: number;
  /**
   * Longest the client stays silent: a `ping` goes out when nothing else was sent for this long,
   * inside API Gateway's 10-minute idle timeout (any frame resets it); 0 turns heartbeats off.
   * @default 480000 (8 minutes)
   */
  readonly heartbeatMs?: number;
  /**
   * Longest between two pings, however busy the client: the server keeps last-seen from pings,
   * and a connection not seen for the server's `SWEEP_IDLE_SECONDS` (10 minutes) is checked by
   * the sweeper; 0 leaves pings to `heartbeatMs` alone. @default 540000 (9 minutes)
   */
  readonly lastSeenMs?: number;
  /**
   * Dead-socket detection: a ping checks the socket when nothing was received for this long, so
   * a dead socket is noticed within `deadSocketMs + heartbeatTimeoutMs` (8 minutes 10 seconds by
   * default; a request that times out checks at once). Lower it for faster detection, at two
   * billed messages a ping; 0 leaves pings to `heartbeatMs` alone. @default 480000 (8 minutes)
   */
  readonly deadSocketMs?: number;
  /** A heartbeat unanswered this long marks the socket dead: it is dropped and replaced. @default 10000 */
  readonly heartbeatTimeoutMs?: number;
  /** Reconnect pacing (exponential, full jitter). @default { initialDelayMs: 1000, maxDelayMs: 30000, maxAttempts: Infinity } */
  readonly reconnect?: BackoffOptions;
  /** Frames that may wait for a connection; more reject with `QUEUE_FULL`. @default 1000 */
  readonly maxQueuedFrames?: number;
  /** Acknowledge delivered direct messages and notifications automatically. @default true */
  readonly autoAck?: boolean;
  /**
   * How long delivered ids wait before one `ack` frame without `ref` (no reply) names them all.
   * Longer coalesces more messages per frame; an ack still waiting when the socket drops is
   * lost harmlessly (the next `sync` redelivers, duplicates are dropped by id). Keep it well
   * under the server's `UNACKED_EVENT_SECONDS` (60 s). `close()` sends what waits. @default 5000
   */
  readonly ackDelayMs?: number;
  /** Times a request answered `RATE_LIMITED` is retried after the server's `retryAfterMs`. @default 5 */
  readonly rateLimitRetries?: number;
  /** How many recent message ids are remembered to drop duplicates. @default 10000 */
  readonly dedupeWindow?: number;
  /**
   * How many messages each joined room's list (`client.messages(room)`) keeps: the newest; an
   * older history page beyond it is not added. @default 500
   */
  readonly messageListSize?: number;
}

/** The options with every default applied. */
export interface ResolvedOptions {
  readonly url: string;
  readonly ticket?: () => Promise<TicketGrant>;
  readonly token?: string | (() => Promise<string>);
  readonly httpUrl?: string;
  readonly device?: string;
  readonly WebSocket: WebSocketConstructor;
  readonly requestTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly lastSeenMs: number;
  readonly deadSocketMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly reconnect: Required<BackoffOptions>;
  readonly maxQueuedFrames: number;
  readonly autoAck: boolean;
  readonly ackDelayMs: number;
  readonly rateLimitRetries: number;
  readonly dedupeWindow: number;
  readonly messageListSize: number;
}

/** Failed handshakes in a row (status unknown) after which a `token` is checked at `httpUrl`. */
export const authCheckAfterFailures = 3;

/** The heartbeat's defaults (the cost model and the heartbeat bench read them too). */
export const heartbeatDefaults = {
  heartbeatMs: 8 * 60_000,
  lastSeenMs: 9 * 60_000,
  deadSocketMs: 8 * 60_000,
} as const;

export function resolveOptions(options: WaveletClientOptions): ResolvedOptions {
  const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocketClass)
    throw new TypeError('No WebSocket available: pass the `ws` package as the WebSocket option');
  if (!options.ticket && !options.token) throw new TypeError('Give a ticket function or a token');
  return {
    url: options.url,
    ticket: options.ticket,
    token: options.token,
    httpUrl: options.httpUrl,
    device: options.device,
    WebSocket: WebSocketClass,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    heartbeatMs: options.heartbeatMs ?? heartbeatDefaults.heartbeatMs,
    lastSeenMs: options.lastSeenMs ?? heartbeatDefaults.lastSeenMs,
    deadSocketMs: options.deadSocketMs ?? heartbeatDefaults.deadSocketMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
    reconnect: { ...defaultBackoff, ...definedOnly(options.reconnect ?? {}) },
    maxQueuedFrames: options.maxQueuedFrames ?? 1000,
    autoAck: options.autoAck ?? true,
    ackDelayMs: options.ackDelayMs ?? defaultAckDelayMs,
    rateLimitRetries: options.rateLimitRetries ?? 5,
    dedupeWindow: options.dedupeWindow ?? 10_000,
    messageListSize: options.messageListSize ?? defaultMessageListSize,
  };
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
