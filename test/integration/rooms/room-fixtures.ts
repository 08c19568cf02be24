import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { getConfig } from '../../../lambdas/core/config.ts';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import { addMember } from '../../../lambdas/core/store/members.ts';
import { createRoom, type NewRoom, type Room } from '../../../lambdas/core/store/rooms.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import type { Frame, TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

/**
 * The store functions pointed at the test runtime's table, for what belongs to the HTTP API
 * (private rooms, members added by an owner, deleting a room).
 */
export function storeOf(rt: TestRuntime): TableDeps {
  return {
    config: { ...getConfig(), TABLE_NAME: rt.endpoints.tableName },
    db: rt.db,
    now: Date.now,
  };
}

export async function seedRoom(rt: TestRuntime, room: Partial<NewRoom> & { roomId: string }): Promise<Room> {
  const { room: created } = await createRoom(storeOf(rt), {
    name: room.roomId,
    type: 'public',
    owner: 'owner',
    maxMembers: 0,
    ...room,
  });
  return created;
}

export const seedMember = (rt: TestRuntime, roomId: string, userId: string) =>
  addMember(storeOf(rt), roomId, userId, 'member');

/** Deletes the room's settings item, as a room deletion does; the next join starts a new life. */
export const deleteRoomSettings = (rt: TestRuntime, roomId: string) =>
  rt.db.send(
    new DeleteCommand({ TableName: rt.endpoints.tableName, Key: { pk: `ROOM#${roomId}`, sk: 'META' } }),
  );

export const historyItems = (rt: TestRuntime, roomId: string) =>
  itemsWithPrefix(rt.db, rt.endpoints.tableName, `HIST#${roomId}#`);

/** Room message frames a socket received for a room, in arrival order. */
export const roomMessages = (socket: TestSocket, roomId: string): Frame[] =>
  socket.ofType('message').filter((m) => m.room === roomId);

/** Events of one kind a socket received for a room. */
export const roomEvents = (socket: TestSocket, roomId: string, event: string): Frame[] =>
  socket.ofType('event').filter((e) => e.room === roomId && e.event === event);

/** Sends a frame and returns the `result` of its reply, failing on an error frame. */
export async function ok(
  socket: TestSocket,
  frame: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const answer = await socket.request(frame, 15_000);
  if (answer.type !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(answer)}`);
  return answer.result as Record<string, unknown>;
}

/**
 * Every room test runtime uses this environment. Deliveries of a frame are posted before its
 * handler replies, so once the sender holds its reply, a socket that should have received
 * the frame has been sent it: "did not receive" is checked after a ping round trip on that
 * socket, never after a guessed delay.
 */
export const roomsEnv = {
  // Tests send bursts from one user; the rate limit has its own tests.
  RATE_LIMIT_PER_SECOND: '10000',
  RATE_LIMIT_BURST: '10000',
};
