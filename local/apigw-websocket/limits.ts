import type { GatewayLimits } from './options.ts';

/** API Gateway's quotas for WebSocket APIs. */
export const defaultLimits: Readonly<GatewayLimits> = {
  frameBytes: 32 * 1024,
  messageBytes: 128 * 1024,
  postBytes: 128 * 1024,
  responseBytes: 128 * 1024,
  idleTimeoutMs: 10 * 60_000,
  maxLifetimeMs: 2 * 60 * 60_000,
  integrationTimeoutMs: 29_000,
};

/** A close code with the reason the `$disconnect` event reports for it. */
export interface CloseCause {
  readonly code: number;
  readonly reason: string;
}

/** The close causes API Gateway reports in `disconnectStatusCode` / `disconnectReason`. */
export const closeCauses = {
  /** After a management `DELETE`. */
  deleted: { code: 1000, reason: 'Connection Closed Normally' },
  /** Idle timeout, lifetime, and the gateway shutting down. */
  goingAway: { code: 1001, reason: 'Going away' },
  /** The client sent a close frame without a status code. */
  noStatus: { code: 1005, reason: 'Client-side close frame status not set' },
  /** The TCP connection dropped without a close frame (reason *uncertain*). */
  abnormal: { code: 1006, reason: 'Connection Closed Abnormally' },
  /** A binary frame: API Gateway accepts text only (reason *uncertain*). */
  binary: { code: 1003, reason: 'Unsupported data' },
  /** A frame over the limit (reason *uncertain*). */
  tooBig: { code: 1009, reason: 'Message too big' },
  /** Malformed UTF-8 in a text frame. */
  invalidText: { code: 1007, reason: 'Invalid frame payload data' },
  /** Any other protocol violation. */
  protocolError: { code: 1002, reason: 'Protocol error' },
} as const satisfies Record<string, CloseCause>;

/** The cause for a close the client initiated, as `$disconnect` reports it. */
export function clientCloseCause(code: number, reason: string): CloseCause {
  if (code === closeCauses.noStatus.code) return closeCauses.noStatus;
  if (code === closeCauses.abnormal.code) return closeCauses.abnormal;
  return { code, reason };
}

/** The cause for a close that `ws` initiated because the client broke the protocol. */
export function protocolErrorCause(errorCode: string | undefined): CloseCause {
  if (errorCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return closeCauses.tooBig;
  if (errorCode === 'WS_ERR_INVALID_UTF8') return closeCauses.invalidText;
  return closeCauses.protocolError;
}
