import type { AddressInfo } from 'node:net';

/** Anything with Node's `listen`/`address` (http.Server, dynalite's server). */
interface Listener {
  once(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  off(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  listen(port: number, host: string, callback: () => void): unknown;
  address(): AddressInfo | string | null;
}

/**
 * The port is taken (`EADDRINUSE`). `option` names the runtime option that chose the port,
 * when the runtime knows it, so that `npm start` can say which variable to set.
 */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly code = 'EADDRINUSE';

  constructor(
    readonly host: string,
    readonly port: number,
    message: string,
    readonly option?: string,
  ) {
    super(message);
  }
}

/**
 * Listens on `host:port` (0 picks a free port) and returns the port and the origin a client can
 * reach (a wildcard address is not one: loopback is used instead; IPv6 hosts get brackets).
 * A taken port rejects with a {@link PortInUseError}.
 */
export async function listen(
  server: Listener,
  port: number,
  host: string,
): Promise<{ port: number; origin: string }> {
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port, error.message) : error);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { port: bound, origin: `${reachable.includes(':') ? `[${reachable}]` : reachable}:${bound}` };
}
