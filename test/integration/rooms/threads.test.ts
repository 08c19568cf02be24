import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { api } from '../http/http-fixtures.ts';
import { deleteRoomSettings, historyItems, ok, roomMessages, roomsEnv } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

type Entry = { seq: number; replyTo?: number; replies?: number; data?: unknown };
const messagesOf = (page: Record<string, unknown>) => page.messages as Entry[];
const seqsOf = (page: Record<string, unknown>) => messagesOf(page).map((m) => m.seq);

/** The parent as the room's history shows it. */
async function historyEntry(socket: TestSocket, room: string, seq: number): Promise<Entry | undefined> {
  return messagesOf(await ok(socket, { action: 'history', room })).find((m) => m.seq === seq);
}

describe('Rooms: threads', () => {
  it('delivers a reply with replyTo live and in join since, and counts it on the parent', async () => {
    const [alice, bob] = await Promise.all([rt.connect('alice'), rt.connect('bob')]);
    await ok(alice, { action: 'join', room: 'loom' });
    const joined = await ok(bob, { action: 'join', room: 'loom' });
    await ok(alice, { action: 'publish', room: 'loom', data: 'question' });
    expect(await ok(bob, { action: 'publish', room: 'loom', data: 'answer', replyTo: 1 })).toMatchObject({
      seq: 2,
    });
    await ok(alice, { action: 'ping' });
    expect(roomMessages(alice, 'loom')[1]).toMatchObject({ seq: 2, data: 'answer', replyTo: 1, from: 'bob' });
    expect(roomMessages(alice, 'loom')[0]).not.toHaveProperty('replyTo');

    const carol = await rt.connect('carol');
    await ok(carol, { action: 'join', room: 'loom', since: 0, epoch: joined.epoch });
    expect(roomMessages(carol, 'loom')).toMatchObject([
      { seq: 1, recovered: true },
      { seq: 2, replyTo: 1, recovered: true },
    ]);
    expect(roomMessages(carol, 'loom')[0]).not.toHaveProperty('replyTo');

    const page = await ok(carol, { action: 'history', room: 'loom' });
    expect(messagesOf(page)).toMatchObject([
      { seq: 2, replyTo: 1 },
      { seq: 1, replies: 1 },
    ]);
    expect(messagesOf(page)[0]).not.toHaveProperty('replies');
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });

  it('refuses a reply to an unknown seq, a lifecycle entry or a deleted message, and stores nothing', async () => {
    const dana = await rt.connect('dana');
    await ok(dana, { action: 'join', room: 'knots' });
    await ok(dana, { action: 'publish', room: 'knots', data: 'kept' });
    await ok(dana, { action: 'publish', room: 'knots', data: 'gone' });
    await ok(dana, { action: 'edit', room: 'knots', seq: 1, data: 'kept!' }); // seq 3
    await ok(dana, { action: 'delete', room: 'knots', seq: 2 }); // seq 4
    const before = await historyItems(rt, 'knots');
    for (const replyTo of [9, 3, 4, 2]) {
      expect(
        await dana.request({ action: 'publish', room: 'knots', data: 'x', replyTo, id: `r${replyTo}` }),
      ).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    }
    expect(await historyItems(rt, 'knots')).toEqual(before);
    expect(await historyEntry(dana, 'knots', 1)).not.toHaveProperty('replies');
    // The key was released: the same id is free for a good reply.
    expect(
      await ok(dana, { action: 'publish', room: 'knots', data: 'x', replyTo: 1, id: 'r9' }),
    ).toMatchObject({
      seq: 5,
    });
    await dana.close();
  });

  it('refuses a reply to a seq of an earlier life of the room', async () => {
    const erin = await rt.connect('erin');
    const old = await ok(erin, { action: 'join', room: 'phoenix' });
    for (const data of ['one', 'two', 'three']) await ok(erin, { action: 'publish', room: 'phoenix', data });
    await deleteRoomSettings(rt, 'phoenix');
    const renewed = await ok(erin, { action: 'join', room: 'phoenix' });
    expect(renewed.epoch).not.toBe(old.epoch);
    await ok(erin, { action: 'publish', room: 'phoenix', data: 'new life' });
    expect(await erin.request({ action: 'publish', room: 'phoenix', data: 'x', replyTo: 3 })).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await erin.request({ action: 'history', room: 'phoenix', replyTo: 3 })).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(seqsOf(await ok(erin, { action: 'history', room: 'phoenix' }))).toEqual([1]);
    await erin.close();
  });

  it('pages a thread newest first with next, among other messages', async () => {
    const fay = await rt.connect('fay');
    await ok(fay, { action: 'join', room: 'weave' });
    await ok(fay, { action: 'publish', room: 'weave', data: 'parent' }); // 1
    const replies: number[] = [];
    for (let i = 1; i <= 5; i += 1) {
      await ok(fay, { action: 'publish', room: 'weave', data: `other ${i}` });
      replies.push(
        (await ok(fay, { action: 'publish', room: 'weave', data: `reply ${i}`, replyTo: 1 })).seq as number,
      );
    }
    expect(replies).toEqual([3, 5, 7, 9, 11]);
    const first = await ok(fay, { action: 'history', room: 'weave', replyTo: 1, limit: 2 });
    expect(messagesOf(first)).toMatchObject([
      { seq: 11, data: 'reply 5', replyTo: 1 },
      { seq: 9, data: 'reply 4', replyTo: 1 },
    ]);
    expect(first.next).toBe(9);
    const second = await ok(fay, { action: 'history', room: 'weave', replyTo: 1, limit: 2, before: 9 });
    expect(seqsOf(second)).toEqual([7, 5]);
    const last = await ok(fay, {
      action: 'history',
      room: 'weave',
      replyTo: 1,
      limit: 2,
      before: second.next,
    });
    expect(seqsOf(last)).toEqual([3]);
    expect(last.next).toBeNull();
    expect(await historyEntry(fay, 'weave', 1)).toMatchObject({ replies: 5 });
    // A thread with no replies is an empty page; an unknown parent is NOT_FOUND.
    expect(await ok(fay, { action: 'history', room: 'weave', replyTo: 2 })).toEqual({
      messages: [],
      next: null,
    });
    expect(await fay.request({ action: 'history', room: 'weave', replyTo: 99 })).toMatchObject({
      code: 'NOT_FOUND',
    });
    await fay.close();
  });

  it("keeps a deleted parent's thread readable, and shows an edited reply in its current state", async () => {
    const gus = await rt.connect('gus');
    await ok(gus, { action: 'join', room: 'frayed' });
    await ok(gus, { action: 'publish', room: 'frayed', data: 'parent' });
    await ok(gus, { action: 'publish', room: 'frayed', data: 'typo', replyTo: 1 });
    await ok(gus, { action: 'edit', room: 'frayed', seq: 2, data: 'fixed' });
    await ok(gus, { action: 'delete', room: 'frayed', seq: 1 });
    const thread = await ok(gus, { action: 'history', room: 'frayed', replyTo: 1 });
    expect(messagesOf(thread)).toMatchObject([
      { seq: 2, data: 'fixed', editedAt: expect.any(Number), replyTo: 1 },
    ]);
    await gus.close();
  });

  it('counts a retried reply with the same id once', async () => {
    const hal = await rt.connect('hal');
    await ok(hal, { action: 'join', room: 'spool' });
    await ok(hal, { action: 'publish', room: 'spool', data: 'parent' });
    const frame = { action: 'publish', room: 'spool', data: 'once', replyTo: 1, id: 'retry-1' };
    const first = await ok(hal, frame);
    const again = await ok(hal, frame);
    const concurrent = await Promise.all([ok(hal, frame), ok(hal, frame)]);
    for (const answer of [again, ...concurrent]) expect(answer).toEqual(first);
    expect(await historyEntry(hal, 'spool', 1)).toMatchObject({ replies: 1 });
    expect(seqsOf(await ok(hal, { action: 'history', room: 'spool', replyTo: 1 }))).toEqual([2]);
    await hal.close();
  });

  it('finishes the thread of a reply whose first attempt died after storing it, when retried with its id', async () => {
    const jon = await rt.connect('jon');
    const joined = await ok(jon, { action: 'join', room: 'mended' });
    await ok(jon, { action: 'publish', room: 'mended', data: 'parent' });
    const frame = { action: 'publish', room: 'mended', data: 'lost', replyTo: 1, id: 'crash-1' };
    const first = await ok(jon, frame);
    // As a crash right after the reply was stored leaves it: no pointer, no count.
    const table = rt.endpoints.tableName;
    const parentKey = { pk: `HIST#mended#${joined.epoch}`, sk: `SEQ#${'1'.padStart(12, '0')}` };
    await rt.db.send(
      new DeleteCommand({
        TableName: table,
        Key: { pk: `HIST#mended#${joined.epoch}#THREAD#1`, sk: `SEQ#${'2'.padStart(12, '0')}` },
      }),
    );
    await rt.db.send(
      new UpdateCommand({ TableName: table, Key: parentKey, UpdateExpression: 'REMOVE replies' }),
    );
    expect(await ok(jon, { action: 'history', room: 'mended', replyTo: 1 })).toEqual({
      messages: [],
      next: null,
    });

    expect(await ok(jon, frame)).toEqual(first);
    expect(seqsOf(await ok(jon, { action: 'history', room: 'mended', replyTo: 1 }))).toEqual([2]);
    expect(await ok(jon, frame)).toEqual(first);
    expect(await historyEntry(jon, 'mended', 1)).toMatchObject({ replies: 1 });
    expect(seqsOf(await ok(jon, { action: 'history', room: 'mended' }))).toEqual([2, 1]);
    await jon.close();
  });

  it('serves a thread on GET /rooms/{id}/messages?replyTo=', async () => {
    const ivy = await rt.connect('ivy');
    await ok(ivy, { action: 'join', room: 'yarn' });
    await ok(ivy, { action: 'publish', room: 'yarn', data: 'parent' });
    await ok(ivy, { action: 'publish', room: 'yarn', data: 'aside' });
    await ok(ivy, { action: 'publish', room: 'yarn', data: 'first', replyTo: 1 });
    await ok(ivy, { action: 'publish', room: 'yarn', data: 'second', replyTo: 1 });
    const page = await api(rt, 'GET', '/rooms/yarn/messages?replyTo=1&limit=1', { as: 'ivy' });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ messages: [{ seq: 4, data: 'second', replyTo: 1 }], next: 4 });
    const rest = await api(rt, 'GET', '/rooms/yarn/messages?replyTo=1&before=4', { as: 'ivy' });
    expect(rest.body).toMatchObject({ messages: [{ seq: 3, data: 'first' }], next: null });
    const all = await api(rt, 'GET', '/rooms/yarn/messages', { as: 'ivy' });
    expect((all.body.messages as Entry[]).find((m) => m.seq === 1)).toMatchObject({ replies: 2 });
    expect((await api(rt, 'GET', '/rooms/yarn/messages?replyTo=2', { as: 'ivy' })).body).toEqual({
      messages: [],
      next: null,
    });
    expect((await api(rt, 'GET', '/rooms/yarn/messages?replyTo=9', { as: 'ivy' })).status).toBe(404);
    expect((await api(rt, 'GET', '/rooms/yarn/messages?replyTo=x', { as: 'ivy' })).status).toBe(400);
    await ivy.close();
  });
});
