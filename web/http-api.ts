import type { CreateRoomRequest } from '../protocol/http-requests.ts';
import type {
  BlockedUser,
  HttpErrorBody,
  Page,
  RoomView,
  Ticket,
  UnreadRoom,
  UnreadRooms,
} from '../protocol/http-responses.ts';

/** What the local runtime tells the page at `GET /dev/config`. */
export interface PageConfig {
  /** The WebSocket URL, e.g. `ws://127.0.0.1:8080`. */
  readonly websocket: string;
}

/** An HTTP API answer other than 2xx, with the protocol's error code when there is one. */
export class HttpApiError extends Error {
  override readonly name = 'HttpApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The HTTP calls the page makes, on the origin that served it (the local runtime's HTTP API).
 * `devToken` and `config` are local-only routes of the runtime; the rest are the HTTP API's
 * (docs/protocol.md, "HTTP API"), typed by protocol/ (types only: no schema reaches the page).
 */
export class HttpApi {
  constructor(private readonly base = '') {}

  config(): Promise<PageConfig> {
    return this.request('GET', '/dev/config');
  }

  devToken(user: string): Promise<{ token: string; user: string; expiresAt: number }> {
    return this.request('POST', '/dev/token', { body: { user } });
  }

  async ticket(token: string): Promise<string> {
    const { ticket } = await this.request<Ticket>('POST', '/tickets', { token });
    return ticket;
  }

  async unread(token: string): Promise<UnreadRoom[]> {
    const { rooms } = await this.request<UnreadRooms>('GET', '/me/unread', { token });
    return rooms;
  }

  /** Every user this user blocks (`GET /me/blocks`, all its pages; at most 1,000 users). */
  async blocks(token: string): Promise<BlockedUser[]> {
    const users: BlockedUser[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: Page<BlockedUser> = await this.request('GET', `/me/blocks?limit=100${query}`, { token });
      users.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    return users;
  }

  /** A room's settings, its owner among them (`GET /rooms/{id}`). */
  room(token: string, id: string): Promise<RoomView> {
    return this.request('GET', `/rooms/${encodeURIComponent(id)}`, { token });
  }

  createRoom(token: string, room: CreateRoomRequest & { id: string }): Promise<unknown> {
    return this.request('POST', '/rooms', { token, body: room });
  }

  private async request<T>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const error = (parsed as Partial<HttpErrorBody> | undefined)?.error;
      throw new HttpApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `${method} ${path} answered ${response.status}`,
      );
    }
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
