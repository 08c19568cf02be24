import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { roomsEnv } from './room-fixtures.ts';

let rt: TestRuntime;
let socket: TestSocket;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
  socket = await rt.connect('alice');
});
afterAll(async () => {
  await socket?.close();
  await rt?.stop();
});

const cases: { name: string; frame: Record<string, unknown>; code: string }[] = [
  { name: 'join without a room', frame: { action: 'join' }, code: 'BAD_REQUEST' },
  { name: 'join with an empty room id', frame: { action: 'join', room: '' }, code: 'BAD_REQUEST' },
  {
    name: 'join with a room id over 128 characters',
    frame: { action: 'join', room: 'r'.repeat(129) },
    code: 'BAD_REQUEST',
  },
  { name: 'join with a # in the room id', frame: { action: 'join', room: 'a#b' }, code: 'BAD_REQUEST' },
  { name: 'join with a space in the room id', frame: { action: 'join', room: 'a b' }, code: 'BAD_REQUEST' },
  { name: 'join with a numeric room', frame: { action: 'join', room: 7 }, code: 'BAD_REQUEST' },
  {
    name: 'join with a negative since',
    frame: { action: 'join', room: 'r', since: -1 },
    code: 'BAD_REQUEST',
  },
  {
    name: 'join with a fractional since',
    frame: { action: 'join', room: 'r', since: 1.5 },
    code: 'BAD_REQUEST',
  },
  { name: 'join with since as text', frame: { action: 'join', room: 'r', since: '3' }, code: 'BAD_REQUEST' },
  {
    name: 'join with epoch as text',
    frame: { action: 'join', room: 'r', since: 1, epoch: 'x' },
    code: 'BAD_REQUEST',
  },
  { name: 'leave without a room', frame: { action: 'leave' }, code: 'BAD_REQUEST' },
  {
    name: 'leave with member as text',
    frame: { action: 'leave', room: 'r', member: 'no' },
    code: 'BAD_REQUEST',
  },
  { name: 'publish without data', frame: { action: 'publish', room: 'r' }, code: 'BAD_REQUEST' },
  { name: 'publish without a room', frame: { action: 'publish', data: 1 }, code: 'BAD_REQUEST' },
  {
    name: 'publish with an over-long idempotency id',
    frame: { action: 'publish', room: 'r', data: 1, id: 'x'.repeat(65) },
    code: 'BAD_REQUEST',
  },
  {
    name: 'publish with data over the 16 KB limit',
    frame: { action: 'publish', room: 'r', data: 'x'.repeat(17 * 1024) },
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'publish to a room that does not exist',
    frame: { action: 'publish', room: 'r', data: 1 },
    code: 'NOT_FOUND',
  },
  { name: 'history with limit 0', frame: { action: 'history', room: 'r', limit: 0 }, code: 'BAD_REQUEST' },
  {
    name: 'history with limit 101',
    frame: { action: 'history', room: 'r', limit: 101 },
    code: 'BAD_REQUEST',
  },
  { name: 'history with before 0', frame: { action: 'history', room: 'r', before: 0 }, code: 'BAD_REQUEST' },
  {
    name: 'history of a room that does not exist',
    frame: { action: 'history', room: 'r' },
    code: 'NOT_FOUND',
  },
  { name: 'read without upTo', frame: { action: 'read', room: 'r' }, code: 'BAD_REQUEST' },
  { name: 'read with a negative upTo', frame: { action: 'read', room: 'r', upTo: -2 }, code: 'BAD_REQUEST' },
  {
    name: 'read in a room that does not exist',
    frame: { action: 'read', room: 'r', upTo: 1 },
    code: 'NOT_FOUND',
  },
  {
    name: 'typing with an unknown state',
    frame: { action: 'typing', room: 'r', state: 'maybe' },
    code: 'BAD_REQUEST',
  },
  { name: 'typing without a state', frame: { action: 'typing', room: 'r' }, code: 'BAD_REQUEST' },
  {
    name: 'typing in a room that does not exist',
    frame: { action: 'typing', room: 'r', state: 'start' },
    code: 'NOT_FOUND',
  },
];

describe('Bad room frames', () => {
  it.each(cases)('answers $name with $code and keeps the connection', async ({ frame, code }) => {
    const answer = await socket.request(frame);
    expect(answer).toMatchObject({ type: 'error', code, message: expect.any(String) });
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    expect(await socket.request({ action: 'ping' })).toMatchObject({ type: 'reply' });
  });

  it('answers a bad room frame without ref with an error frame whose ref is null', async () => {
    const before = socket.frames.length;
    socket.send({ action: 'typing', room: 'r', state: 'maybe' });
    expect(await socket.waitFor((f) => f.type === 'error', 5000, before)).toMatchObject({
      ref: null,
      code: 'BAD_REQUEST',
    });
  });

  it('writes nothing for any of them', async () => {
    for (const prefix of ['ROOM#', 'SUBS#', 'HIST#', 'IDEM#']) {
      expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, prefix)).toHaveLength(0);
    }
  });
});
