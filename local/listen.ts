import type { AddressInfo } from 'node:net';

/** Anything with Node's `listen`/`address` (http.Server, dynalite's server). */
interface Listener {
  once(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  listen(port: number, host: string, callback: () => void): unknown;
  address(): AddressInfo | string | null;
}

/**
 * Listens on `host:port` (0 picks a free port) and returns the port and the origin a client can
 * reach (a wildcard address is not one: loopback is used instead; IPv6 hosts get brackets).
 */
export async function listen(
  server: Listener,
  port: number,
  host: string,
): Promise<{ port: number; origin: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { port: bound, origin: `${reachable.includes(':') ? `[${reachable}]` : reachable}:${bound}` };
}
