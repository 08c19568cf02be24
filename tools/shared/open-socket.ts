import WebSocket from 'ws';

/** Why a handshake failed: `HTTP 401`, `TIMEOUT`, or the socket error's code (`ECONNREFUSED`). */
export class HandshakeError extends Error {
  constructor(readonly reason: string) {
    super(`handshake failed: ${reason}`);
  }
}

/**
 * Opens a WebSocket (no compression: API Gateway does not negotiate it) and resolves once it is
 * open; rejects with a {@link HandshakeError} naming the HTTP status or socket error.
 */
export function openSocket(url: string, timeoutMs = 30_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const onResponse = (_request: unknown, response: { statusCode?: number }) =>
      fail(`HTTP ${response.statusCode}`);
    const onError = (error: NodeJS.ErrnoException) =>
      fail(error.code ?? (/timed out/i.test(error.message) ? 'TIMEOUT' : error.message));
    const fail = (reason: string) => {
      ws.removeAllListeners();
      ws.on('error', () => {}); // a late error after terminate must not crash the process
      ws.terminate();
      reject(new HandshakeError(reason));
    };
    ws.once('open', () => {
      ws.off('unexpected-response', onResponse);
      ws.off('error', onError);
      resolve(ws);
    });
    ws.once('unexpected-response', onResponse);
    ws.once('error', onError);
  });
}

/** Joins a base URL and a query parameter. */
export function withQuery(url: string, query: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}
