import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { deleteRoomSettings, ok, roomMessages, roomsEnv } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

async function publishAll(socket: TestSocket, room: string, data: unknown[]): Promise<void> {
  for (const d of data) await ok(socket, { action: 'publish', room, data: d });
}

describe('Rooms: recovery with join {since, epoch}', () => {
  it('pushes exactly the missed messages, in order, marked recovered, before a complete reply', async () => {
    const alice = await rt.connect('alice');
    const joined = await ok(alice, { action: 'join', room: 'live' });
    let bob = await rt.connect('bob');
    await ok(bob, { action: 'join', room: 'live' });
    await publishAll(alice, 'live', ['m1', 'm2']);
    const lastSeen = await bob.waitFor((f) => f.type === 'message' && f.seq === 2);
    await bob.close();

    await publishAll(alice, 'live', ['m3', 'm4', 'm5']);
    bob = await rt.connect('bob');
    const reply = await bob.request({
      action: 'join',
      room: 'live',
      since: lastSeen.seq,
      epoch: joined.epoch,
    });
    expect(reply.result).toEqual({ room: 'live', epoch: joined.epoch, seq: 5, recovered: 3, complete: true });
    const recovered = roomMessages(bob, 'live');
    expect(recovered.map((m) => [m.seq, m.data, m.recovered])).toEqual([
      [3, 'm3', true],
      [4, 'm4', true],
      [5, 'm5', true],
    ]);
    expect(recovered[0]).toEqual({
      type: 'message',
      id: expect.any(String),
      from: 'alice',
      room: 'live',
      seq: 3,
      data: 'm3',
      ts: expect.any(Number),
      recovered: true,
    });
    // Pushed before the reply to the join.
    expect(bob.frames.indexOf(recovered[2]!)).toBeLessThan(bob.frames.indexOf(reply));

    // Live delivery carries on after the recovery.
    await publishAll(alice, 'live', ['m6']);
    expect(await bob.waitFor((f) => f.type === 'message' && f.seq === 6)).not.toHaveProperty('recovered');
    await Promise.all([alice.close(), bob.close()]);
  });

  it('recovers nothing and is complete when nothing was missed, and without since', async () => {
    const carl = await rt.connect('carl');
    const first = await ok(carl, { action: 'join', room: 'calm' });
    await publishAll(carl, 'calm', ['a', 'b']);
    const again = await rt.connect('carl');
    expect(await ok(again, { action: 'join', room: 'calm', since: 2, epoch: first.epoch })).toMatchObject({
      seq: 2,
      recovered: 0,
      complete: true,
    });
    expect(await ok(again, { action: 'join', room: 'calm' })).toMatchObject({
      seq: 2,
      recovered: 0,
      complete: true,
    });
    expect(roomMessages(again, 'calm')).toHaveLength(0);
    await Promise.all([carl.close(), again.close()]);
  });

  it('answers complete: false after the room was deleted and created again (new epoch)', async () => {
    const dina = await rt.connect('dina');
    const old = await ok(dina, { action: 'join', room: 'phoenix' });
    await publishAll(dina, 'phoenix', ['old life 1', 'old life 2', 'old life 3']);
    await dina.close();
    await deleteRoomSettings(rt, 'phoenix');

    const back = await rt.connect('dina');
    const reply = await ok(back, { action: 'join', room: 'phoenix', since: 1, epoch: old.epoch });
    expect(reply).toMatchObject({ room: 'phoenix', seq: 0, recovered: 0, complete: false });
    expect(reply.epoch).not.toBe(old.epoch);
    expect(roomMessages(back, 'phoenix')).toHaveLength(0);
    // The new life numbers from 1 again.
    expect(await ok(back, { action: 'publish', room: 'phoenix', data: 'new life' })).toMatchObject({
      seq: 1,
    });
    await back.close();
  });

  it('answers complete: false when retention dropped some of the missed messages', async () => {
    const emma = await rt.connect('emma');
    const joined = await ok(emma, { action: 'join', room: 'fading' });
    await publishAll(emma, 'fading', ['1', '2', '3', '4']);
    // Messages 1 and 2 are past retention; TTL has not removed them yet.
    for (const seq of [1, 2]) {
      await rt.db.send(
        new UpdateCommand({
          TableName: rt.endpoints.tableName,
          Key: { pk: `HIST#fading#${joined.epoch}`, sk: `SEQ#${String(seq).padStart(12, '0')}` },
          UpdateExpression: 'SET expiresAt = :past',
          ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 10 },
        }),
      );
    }
    const back = await rt.connect('emma');
    const reply = await ok(back, { action: 'join', room: 'fading', since: 0, epoch: joined.epoch });
    expect(reply).toMatchObject({ seq: 4, recovered: 2, complete: false });
    expect(roomMessages(back, 'fading').map((m) => m.seq)).toEqual([3, 4]);
    await Promise.all([emma.close(), back.close()]);
  });

  it('answers complete: false when since is past the latest seq', async () => {
    const finn = await rt.connect('finn');
    const joined = await ok(finn, { action: 'join', room: 'ahead' });
    await publishAll(finn, 'ahead', ['x']);
    expect(await ok(finn, { action: 'join', room: 'ahead', since: 7, epoch: joined.epoch })).toMatchObject({
      seq: 1,
      recovered: 0,
      complete: false,
    });
    await finn.close();
  });
});
