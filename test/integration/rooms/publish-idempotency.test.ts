import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../lambdas/core/deps.ts';
import { publishToRoom } from '../../../lambdas/core/services/room-publish.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { Frame, TestSocket } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';
import { historyItems, ok, roomsEnv, seedMember, seedRoom, storeOf } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

type Command = { constructor: { name: string }; input: Record<string, unknown> };
/** Decides what happens to one table command: `undefined` sends it as usual. */
type Gate = (command: Command) => 'hang-before' | 'hang-after' | number | undefined;

const never = new Promise<never>(() => undefined);

/**
 * The service's dependencies on the runtime's table, with a gate over each command: it can
 * delay a command, or never answer it, without sending it or after sending it (the function
 * stopped before, or right after, the table took the write). Posts go nowhere; `now` may run ahead of the clock (a later retry).
 */
function serviceDeps(gate: Gate = () => undefined, aheadMs = 0): Deps {
  const db = {
    send: async (command: Command) => {
      const decision = gate(command);
      if (decision === 'hang-before') return never;
      if (typeof decision === 'number') await new Promise((r) => setTimeout(r, decision));
      const answer = await rt.db.send(command as never);
      if (decision === 'hang-after') return never;
      return answer;
    },
  } as unknown as DynamoDBDocumentClient;
  return {
    ...storeOf(rt),
    db,
    posts: { post: async () => 'ok' },
    now: () => Date.now() + aheadMs,
  } as unknown as Deps;
}

const isHistoryPut = (command: Command) =>
  command.constructor.name === 'PutCommand' &&
  (command.input.Item as { type?: string }).type === 'roomMessage';

/** Gates the first history write only: the first attempt's. */
function firstHistoryPut(decision: 'hang-after' | number): Gate {
  let seen = false;
  return (command) => {
    if (!isHistoryPut(command) || seen) return undefined;
    seen = true;
    return decision;
  };
}

const caller = (userId: string) => ({ connectionId: `service-${userId}`, userId, roles: [] });

const withMessageId = async (roomId: string, messageId: unknown) =>
  (await historyItems(rt, roomId)).filter((item) => item.id === messageId);

/** A publish's result, following RATE_LIMITED's retryAfterMs as a client does. */
async function published(
  socket: TestSocket,
  frame: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const answer: Frame = await socket.request(frame, 40_000);
    if (answer.type === 'reply') return answer.result as Record<string, unknown>;
    if (answer.code !== 'RATE_LIMITED') throw new Error(`unexpected ${JSON.stringify(answer)}`);
    await new Promise((r) => setTimeout(r, answer.retryAfterMs as number));
  }
  throw new Error('still rate limited');
}

describe('Rooms: publish with an idempotency key', () => {
  it('stores a publish retried 2 s later under a 150-publish load once, with the same seq and messageId', async () => {
    const room = 'busy-retry';
    const publishers = await Promise.all(Array.from({ length: 6 }, (_, p) => rt.connect(`load${p}`)));
    const author = await rt.connect('author');
    // Members, not subscribers: the load is the publishing, not the fan-out.
    await seedRoom(rt, { roomId: room, owner: 'author' });
    for (let p = 0; p < publishers.length; p += 1) await seedMember(rt, room, `load${p}`);
    await ok(author, { action: 'join', room });

    // Six publishers, 25 publishes each, back to back: the keyed publish runs among them.
    const load = Promise.all(
      publishers.map(async (socket, p) => {
        for (let i = 0; i < 25; i += 1) await published(socket, { action: 'publish', room, data: { p, i } });
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const frame = { action: 'publish', room, data: 'exactly once', id: 'X' };
    const sent = Date.now();
    let firstMs = 0;
    const first = published(author, frame).finally(() => {
      firstMs = Date.now() - sent;
    });
    await new Promise((r) => setTimeout(r, 2000));
    const [a, b] = await Promise.all([first, published(author, frame), load]);

    expect(b).toEqual(a);
    expect(await withMessageId(room, a.messageId)).toHaveLength(1);
    const seqs = (await historyItems(rt, room)).map((item) => item.seq as number).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 151 }, (_, i) => i + 1));
    console.log(
      `publish retried 2 s later under load: first took ${firstMs} ms, seq ${a.seq} both times, 1 of 151 entries`,
    );
    await Promise.all([...publishers, author].map((s) => s.close()));
  }, 120_000);

  it('waits for a first attempt slower than 1.55 s instead of storing the message again', async () => {
    const room = 'slow-first';
    await seedRoom(rt, { roomId: room, owner: 'slow' });
    const input = { caller: caller('slow'), roomId: room, data: 'once', id: 'k-slow' };
    const first = publishToRoom(serviceDeps(firstHistoryPut(2500)), input);
    await new Promise((r) => setTimeout(r, 200));
    const retry = await publishToRoom(serviceDeps(), input);
    expect(retry).toEqual(await first);
    expect(await withMessageId(room, retry.messageId)).toHaveLength(1);
  });

  it('answers the stored message when the attempt that stored it died before completing its key', async () => {
    const room = 'died-after-store';
    await seedRoom(rt, { roomId: room, owner: 'ghost' });
    const input = { caller: caller('ghost'), roomId: room, data: 'once', id: 'k-died' };
    void publishToRoom(serviceDeps(firstHistoryPut('hang-after')), input);
    expect(await eventually(async () => (await historyItems(rt, room)).length === 1)).toBe(true);

    // Past the first attempt's lease: the retry takes the key over.
    const retry = await publishToRoom(serviceDeps(undefined, 60_000), input);
    expect(retry.seq).toBe(1);
    expect(await withMessageId(room, retry.messageId)).toHaveLength(1);
    expect(await historyItems(rt, room)).toHaveLength(1);
    // And the key is done now: a later retry answers the same.
    expect(await publishToRoom(serviceDeps(undefined, 60_000), input)).toEqual(retry);
  });

  it('writes at the seq the dead attempt reserved, or at the head when others filled it, with no gap', async () => {
    const stopsBeforeHistory: Gate = (c) => (isHistoryPut(c) ? 'hang-before' : undefined);
    for (const [room, othersBetween] of [
      ['reserved-free', 0],
      ['reserved-taken', 2],
    ] as const) {
      await seedRoom(rt, { roomId: room, owner: 'ghost' });
      const input = { caller: caller('ghost'), roomId: room, data: 'once', id: 'k-reserved' };
      void publishToRoom(serviceDeps(stopsBeforeHistory), input);
      const reservedSeq = async () =>
        (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'IDEM#ghost')).find(
          (item) => String(item.pk).includes(room) && item.status === 'pending',
        )?.seq;
      expect(await eventually(async () => (await reservedSeq()) === 1)).toBe(true);
      expect(await historyItems(rt, room)).toHaveLength(0);
      for (let i = 0; i < othersBetween; i += 1)
        await publishToRoom(serviceDeps(), { caller: caller('ghost'), roomId: room, data: i });

      const retry = await publishToRoom(serviceDeps(undefined, 60_000), input);
      expect(retry.seq).toBe(othersBetween === 0 ? 1 : othersBetween + 1);
      expect(await withMessageId(room, retry.messageId)).toHaveLength(1);
      const seqs = (await historyItems(rt, room)).map((item) => item.seq).sort();
      expect(seqs).toEqual(Array.from({ length: othersBetween + 1 }, (_, i) => i + 1));
    }
  });
});
