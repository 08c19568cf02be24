import { GetCommand } from '@aws-sdk/lib-dynamodb';
import WebSocket from 'ws';
import { WaveletClient, type WaveletClientOptions } from '../../../client/index.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';

/** Rooms and bursts of frames must not trip the per-user rate limit in these tests. */
export const clientEnv = { RATE_LIMIT_PER_SECOND: '10000', RATE_LIMIT_BURST: '10000' };

/** A ticket function for `user` (POST /tickets with a bearer token) that counts its calls. */
export function ticketFetcher(rt: TestRuntime, user: string) {
  let calls = 0;
  const fetchTicket = async (): Promise<string> => {
    calls += 1;
    const res = await fetch(`${rt.endpoints.http}/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await rt.token(user)}` },
    });
    if (res.status !== 201) throw new Error(`POST /tickets answered ${res.status}`);
    return ((await res.json()) as { ticket: string }).ticket;
  };
  return { fetchTicket, calls: () => calls };
}

/** A client of `user` on the runtime, with tickets, `ws`, and quick reconnects. */
export function clientFor(
  rt: TestRuntime,
  user: string,
  options: Partial<WaveletClientOptions> = {},
): { client: WaveletClient; ticketCalls: () => number } {
  const tickets = ticketFetcher(rt, user);
  const client = new WaveletClient({
    url: rt.endpoints.websocket,
    ticket: tickets.fetchTicket,
    userId: user,
    WebSocket,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...options,
  });
  return { client, ticketCalls: tickets.calls };
}

/** Closes connections from the server side, as `DELETE @connections/{id}` does on AWS. */
export async function dropConnections(rt: TestRuntime, ids = rt.gateway.connectionIds()): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      const res = await fetch(`${rt.endpoints.management}/@connections/${encodeURIComponent(id)}`, {
        method: 'DELETE',
      });
      await res.arrayBuffer();
    }),
  );
}

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean,
  timeoutMs = 10_000,
  what: string | (() => string) = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The ids of a user's live connections, from the user's live-presence item in the table. */
export async function connectionIdsOf(rt: TestRuntime, user: string): Promise<string[]> {
  const { Item } = await rt.db.send(
    new GetCommand({
      TableName: rt.endpoints.tableName,
      Key: { pk: `LIVE#${user}`, sk: 'LIVE' },
      ConsistentRead: true,
    }),
  );
  return [...((Item?.conns as Set<string> | undefined) ?? [])];
}
