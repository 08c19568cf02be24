import WebSocket from 'ws';
import type { GatewayConnection } from './connection-registry.ts';

/**
 * Sends one text message to an open connection, split into frames of at most `frameBytes` as
 * API Gateway does for posts. `ws` queues sends in call order, so a connection's messages
 * arrive in the order they were sent. Returns false when the connection can no longer receive.
 */
export function sendText(connection: GatewayConnection, data: string | Buffer, frameBytes: number): boolean {
  const socket = connection.socket;
  if (connection.state !== 'open' || !socket || socket.readyState !== WebSocket.OPEN) return false;
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (bytes <= frameBytes) {
    socket.send(data, { binary: false });
    return true;
  }
  // Fragments may split a UTF-8 sequence; receivers validate the reassembled message.
  const buffer = typeof data === 'string' ? Buffer.from(data) : data;
  for (let start = 0; start < buffer.length; start += frameBytes) {
    const end = Math.min(start + frameBytes, buffer.length);
    socket.send(buffer.subarray(start, end), { binary: false, fin: end === buffer.length });
  }
  return true;
}

// The gateway's own error frames, spaced exactly as AWS writes them: a space after
// `"message":` and after the commas only.
function gatewayErrorFrame(message: string, connectionId: string, requestId: string): string {
  return `{"message": ${JSON.stringify(message)}, "connectionId":${JSON.stringify(connectionId)}, "requestId":${JSON.stringify(requestId)}}`;
}

/** No route matched and there is no `$default`. */
export const forbiddenFrame = (connectionId: string, requestId: string) =>
  gatewayErrorFrame('Forbidden', connectionId, requestId);

/** The integration threw or failed. */
export const internalErrorFrame = (connectionId: string, requestId: string) =>
  gatewayErrorFrame('Internal server error', connectionId, requestId);

/** The integration exceeded the integration timeout (*uncertain* beyond the message). */
export const timedOutFrame = (connectionId: string, requestId: string) =>
  gatewayErrorFrame('Endpoint request timed out', connectionId, requestId);

/** The body a two-way route sends back: a string result, or a result's string `body`. */
export function responseBodyOf(result: unknown): string | undefined {
  if (typeof result === 'string') return result || undefined;
  if (result && typeof result === 'object') {
    const body = (result as { body?: unknown }).body;
    if (typeof body === 'string' && body !== '') return body;
  }
  return undefined;
}
