import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;
let socket: TestSocket;

beforeAll(async () => {
  rt = await startTestRuntime();
  socket = await rt.connect('alice');
});
afterAll(async () => {
  await socket?.close();
  await rt?.stop();
});

const cases: { name: string; frame: unknown; code: string; ref: string | null }[] = [
  { name: 'a frame that is not JSON', frame: 'hello{', code: 'BAD_REQUEST', ref: null },
  { name: 'a JSON array', frame: '[1,2]', code: 'BAD_REQUEST', ref: null },
  { name: 'a frame without action', frame: { ref: 'a1', to: 'bob' }, code: 'BAD_REQUEST', ref: 'a1' },
  { name: 'an unknown action', frame: { action: 'explode', ref: 'a2' }, code: 'UNKNOWN_ACTION', ref: 'a2' },
  { name: 'a non-string action', frame: { action: 42, ref: 'a3' }, code: 'UNKNOWN_ACTION', ref: 'a3' },
  { name: 'send without to', frame: { action: 'send', data: 1, ref: 'a4' }, code: 'BAD_REQUEST', ref: 'a4' },
  {
    name: 'send without data',
    frame: { action: 'send', to: 'bob', ref: 'a5' },
    code: 'BAD_REQUEST',
    ref: 'a5',
  },
  {
    name: 'send with an over-long idempotency id',
    frame: { action: 'send', to: 'bob', data: 1, id: 'x'.repeat(65), ref: 'a6' },
    code: 'BAD_REQUEST',
    ref: 'a6',
  },
  {
    name: 'send with data over the 16 KB limit',
    frame: { action: 'send', to: 'bob', data: 'x'.repeat(17 * 1024), ref: 'a7' },
    code: 'PAYLOAD_TOO_LARGE',
    ref: 'a7',
  },
  {
    name: 'ack with more than 100 ids',
    frame: { action: 'ack', ids: Array.from({ length: 101 }, (_, i) => `id${i}`), ref: 'a8' },
    code: 'BAD_REQUEST',
    ref: 'a8',
  },
  { name: 'ack without ids', frame: { action: 'ack', ref: 'a9' }, code: 'BAD_REQUEST', ref: 'a9' },
  {
    name: 'sync with a bad limit',
    frame: { action: 'sync', limit: -1, ref: 'b1' },
    code: 'BAD_REQUEST',
    ref: 'b1',
  },
  {
    name: 'a ref longer than 64 characters',
    frame: { action: 'send', to: 'bob', ref: 'r'.repeat(65) },
    code: 'BAD_REQUEST',
    ref: null,
  },
  {
    name: 'join without a room',
    frame: { action: 'join', ref: 'b2' },
    code: 'BAD_REQUEST',
    ref: 'b2',
  },
];

describe('Bad frames', () => {
  it.each(cases)('answers $name with $code and keeps the connection', async ({ frame, code, ref }) => {
    const before = socket.frames.length;
    socket.send(frame);
    const error = await socket.waitFor((f) => f.type === 'error', 5000, before);
    expect(error).toMatchObject({ type: 'error', code, ref, message: expect.any(String) });
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    expect(await socket.request({ action: 'ping' })).toMatchObject({ type: 'reply' });
  });

  it('writes nothing for any of them', async () => {
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'INBOX#')).toHaveLength(0);
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'IDEM#')).toHaveLength(0);
  });
});
