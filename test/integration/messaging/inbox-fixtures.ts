import type { TestRuntime } from '../../helpers/runtime.ts';
import { type Frame, sleep, type TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

/** Rate limits out of the way: these tests send hundreds of frames from one user. */
export const unlimited = { RATE_LIMIT_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' };

/** A user's inbox entries, and per sender its share: the count item, and the entries it really holds. */
export async function inboxOf(runtime: TestRuntime, userId: string) {
  const items = await itemsWithPrefix(runtime.db, runtime.endpoints.tableName, `INBOX#${userId}`);
  const entries = items.filter((i) => String(i.sk).startsWith('MSG#'));
  const share = (sender: string) => ({
    counted: items.find((i) => i.sk === `FROM#${sender}`)?.count,
    held: entries.filter((i) => i.sender === sender).length,
  });
  return { entries, share };
}

/** A request (a loaded machine may take seconds), retried while a rate limit says to wait. */
export async function request(socket: TestSocket, frame: Record<string, unknown>): Promise<Frame> {
  for (;;) {
    const answer = await socket.request(frame, 30_000);
    if (answer.code !== 'RATE_LIMITED') return answer;
    await sleep(Number(answer.retryAfterMs ?? 50));
  }
}

export const send = (socket: TestSocket, to: string, data: unknown) =>
  request(socket, { action: 'send', to, data });
