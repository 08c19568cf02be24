import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { newAmznRequestId } from './ids.ts';

/** An error answer in API Gateway's form: `x-amzn-ErrorType`, `x-amzn-RequestId`, JSON body. */
export interface GatewayError {
  readonly status: number;
  /** `GoneException`, `ForbiddenException`… */
  readonly errorType?: string;
  /** `{"message": …}` body; no body when absent (a 410 is empty). */
  readonly message?: string;
}

const messageBody = (message: string | undefined) =>
  message === undefined ? '' : `{"message": ${JSON.stringify(message)}}`;

/** Answers an HTTP request with an error. */
export function sendError(res: ServerResponse, error: GatewayError): void {
  const body = messageBody(error.message);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': newAmznRequestId(),
  };
  if (error.errorType) headers['x-amzn-ErrorType'] = error.errorType;
  res.writeHead(error.status, headers);
  res.end(body);
}

/** Answers an HTTP request with success. */
export function sendSuccess(res: ServerResponse, status: number, body = ''): void {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': newAmznRequestId(),
  });
  res.end(body);
}

/**
 * Fails a WebSocket handshake with any status, writing the response on the raw socket (the
 * `upgrade` event has no `ServerResponse`). A body that is not JSON is sent as it is.
 */
export function rejectHandshake(socket: Duplex, status: number, errorType?: string, body = ''): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-amzn-RequestId: ${newAmznRequestId()}`,
  ];
  if (errorType) lines.push(`x-amzn-ErrorType: ${errorType}`);
  // Destroyed once flushed: an upgrade socket is no longer the HTTP server's to reap, and a
  // lingering half-open one would hold up `close()`.
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

/** {@link rejectHandshake} with a `{"message": …}` body. */
export function rejectHandshakeWithMessage(
  socket: Duplex,
  status: number,
  message: string,
  errorType?: string,
): void {
  rejectHandshake(socket, status, errorType, messageBody(message));
}
