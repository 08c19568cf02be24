import { getConfig } from '../../../lambdas/core/config.ts';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import { listUserConnections } from '../../../lambdas/core/store/connections.ts';
import { subscribe } from '../../../lambdas/core/store/subscriptions.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';

/** The store functions pointed at the test runtime's table, to seed what a test needs. */
export function storeOf(rt: TestRuntime): TableDeps {
  return {
    config: { ...getConfig(), TABLE_NAME: rt.endpoints.tableName },
    db: rt.db,
    now: Date.now,
  };
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

export interface ApiRequest {
  /** A user id to sign a token for, with roles; or a raw Authorization header value. */
  readonly as?: string;
  readonly roles?: string[];
  readonly authorization?: string;
  readonly body?: unknown;
  /** Sent as is (bad JSON). */
  readonly rawBody?: string;
}

/** One HTTP API call through the local runtime. */
export async function api(rt: TestRuntime, method: string, path: string, request: ApiRequest = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (request.as) headers.authorization = `Bearer ${await rt.token(request.as, request.roles)}`;
  if (request.authorization) headers.authorization = request.authorization;
  const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  const res = await fetch(`${rt.endpoints.http}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : {} } satisfies ApiAnswer;
}

/** The error code of an error answer. */
export const codeOf = (answer: ApiAnswer): unknown =>
  (answer.body.error as { code?: string } | undefined)?.code;

export const messageOf = (answer: ApiAnswer): string =>
  (answer.body.error as { message?: string } | undefined)?.message ?? '';

/**
 * Opens a socket for the user and subscribes it to the rooms through the store, as `join`
 * would: these tests are about the HTTP API, not the join action.
 */
export async function subscribedSocket(
  rt: TestRuntime,
  userId: string,
  rooms: string[],
): Promise<TestSocket> {
  const deps = storeOf(rt);
  const before = new Set(await listUserConnections(deps, userId));
  const socket = await rt.connect(userId);
  const [connectionId] = (await listUserConnections(deps, userId)).filter((id) => !before.has(id));
  if (!connectionId) throw new Error(`no connection record for ${userId}`);
  for (const room of rooms) await subscribe(deps, room, { connectionId, userId });
  return socket;
}

/** Every page of a paged list, following cursors. */
export async function allPages(
  fetchPage: (cursor: string | null) => Promise<ApiAnswer>,
): Promise<{ pages: unknown[][]; cursors: (string | null)[] }> {
  const pages: unknown[][] = [];
  const cursors: (string | null)[] = [];
  let cursor: string | null = null;
  do {
    const answer: ApiAnswer = await fetchPage(cursor);
    if (answer.status !== 200) throw new Error(`page answered ${answer.status}: ${answer.text}`);
    pages.push(answer.body.items as unknown[]);
    cursor = answer.body.cursor as string | null;
    cursors.push(cursor);
  } while (cursor && pages.length < 50);
  return { pages, cursors };
}
