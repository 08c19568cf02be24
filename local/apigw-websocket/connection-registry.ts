import type WebSocket from 'ws';
import type { CloseCause } from './limits.ts';

/**
 * `connecting` while `$connect` runs (management calls answer 410), `open` once the handshake
 * completed, `closing` from the first close frame on, `closed` after the socket is gone.
 */
export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

/** One client connection as the gateway tracks it. */
export interface GatewayConnection {
  readonly id: string;
  /** Epoch ms of the handshake. */
  readonly connectedAt: number;
  /** Epoch ms of the last message from the client (management posts do not count). */
  lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent?: string;
  /** `requestContext.authorizer` of every event, context values stringified. */
  readonly authorizer?: Readonly<Record<string, unknown>>;
  state: ConnectionState;
  socket?: WebSocket;
  /** Set when the gateway closed the connection; `$disconnect` reports it. */
  closeCause?: CloseCause;
}

/** The gateway's connections by id, including those still in `$connect`. */
export class ConnectionRegistry {
  private readonly connections = new Map<string, GatewayConnection>();

  add(connection: GatewayConnection): void {
    this.connections.set(connection.id, connection);
  }

  get(id: string): GatewayConnection | undefined {
    return this.connections.get(id);
  }

  delete(id: string): void {
    this.connections.delete(id);
  }

  /** Every tracked connection, whatever its state. */
  all(): IterableIterator<GatewayConnection> {
    return this.connections.values();
  }

  /** Ids of the connections that are open. */
  openIds(): string[] {
    const ids: string[] = [];
    for (const c of this.connections.values()) if (c.state === 'open') ids.push(c.id);
    return ids;
  }

  /** Forgets every connection (the gateway is shutting down). */
  reset(): void {
    this.connections.clear();
  }
}
